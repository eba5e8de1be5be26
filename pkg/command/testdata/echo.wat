;; Accepts one connection on the first handed-in socket (fd 3), reads up to
;; 64 bytes, sends them back, shuts the connection down and exits with the
;; first failing errno (0 on success). Built with: wat2wasm echo.wat
(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: accepted fd; 8: iovec {buf=64, len=64}; 16: nread; 20: roflags; 24: nsent; 64..128: buffer
  (func (export "_start")
    (local $err i32) (local $conn i32)
    (local.set $err (call $accept (i32.const 3) (i32.const 0) (i32.const 0)))
    (if (local.get $err) (then (call $exit (local.get $err))))
    (local.set $conn (i32.load (i32.const 0)))
    (i32.store (i32.const 8) (i32.const 64))
    (i32.store (i32.const 12) (i32.const 64))
    (local.set $err (call $recv (local.get $conn) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 16) (i32.const 20)))
    (if (local.get $err) (then (call $exit (local.get $err))))
    (i32.store (i32.const 12) (i32.load (i32.const 16)))
    (local.set $err (call $send (local.get $conn) (i32.const 8) (i32.const 1) (i32.const 0) (i32.const 24)))
    (if (local.get $err) (then (call $exit (local.get $err))))
    (call $exit (call $shutdown (local.get $conn) (i32.const 3)))))
