;; Loops that call one WASI function N times, for the host call round-trip
;; benchmarks (guest -> WASI -> guest). Built with: wat2wasm hostcall.wat
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 16: iovec {buf=32, len=1}; 32: the byte
  (data (i32.const 16) "\20\00\00\00\01\00\00\00")
  (data (i32.const 32) "x")
  (func (export "_start"))
  ;; args_sizes_get: bounds checks and two stores, no system call.
  (func (export "args_sizes") (param $n i32) (result i32)
    (local $err i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $err (i32.or (local.get $err) (call $args_sizes_get (i32.const 0) (i32.const 4))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $err))
  ;; clock_time_get(monotonic): the host reads the clock (vDSO).
  (func (export "clock") (param $n i32) (result i32)
    (local $err i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $err (i32.or (local.get $err) (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 8))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $err))
  ;; fd_write of one byte to stdout: the host's Writer gets it.
  (func (export "write") (param $n i32) (result i32)
    (local $err i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $err (i32.or (local.get $err) (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $err)))
