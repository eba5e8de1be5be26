;; One export per WASI call that can block, each making that call once and
;; exiting with 100 + its errno (so 100 is success): "read" and "write" on
;; stdin/stdout, "read_sock", "write_sock", "accept", "recv" and "send" on
;; the first handed-in socket (fd 3). Writes send 10 bytes, reads take up
;; to 64. pkg/command's tests block each call and cancel it.
;; Built with: wat2wasm block.wat
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: count or new fd; 4: roflags; 8: iovec {buf=64, len}; 64..128: buffer
  (data (i32.const 64) "0123456789")
  (func $iov (param $len i32) (result i32)
    (i32.store (i32.const 8) (i32.const 64))
    (i32.store (i32.const 12) (local.get $len))
    (i32.const 8))
  (func $done (param $errno i32)
    (call $exit (i32.add (i32.const 100) (local.get $errno))))
  (func (export "read")
    (call $done (call $read (i32.const 0) (call $iov (i32.const 64)) (i32.const 1) (i32.const 0))))
  (func (export "write")
    (call $done (call $write (i32.const 1) (call $iov (i32.const 10)) (i32.const 1) (i32.const 0))))
  (func (export "read_sock")
    (call $done (call $read (i32.const 3) (call $iov (i32.const 64)) (i32.const 1) (i32.const 0))))
  (func (export "write_sock")
    (call $done (call $write (i32.const 3) (call $iov (i32.const 10)) (i32.const 1) (i32.const 0))))
  (func (export "accept")
    (call $done (call $accept (i32.const 3) (i32.const 0) (i32.const 0))))
  (func (export "recv")
    (call $done (call $recv (i32.const 3) (call $iov (i32.const 64)) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 4))))
  (func (export "send")
    (call $done (call $send (i32.const 3) (call $iov (i32.const 10)) (i32.const 1) (i32.const 0) (i32.const 0)))))
