;; exports a memory, table, global and WASI functions for TestPreloadTypeMismatchWords
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $e (param i32)))
  (export "w" (func $w))
  (export "exit" (func $e))
  (memory (export "mem") 1 2)
  (table (export "t") 1 funcref)
  (global (export "g") (mut i32) (i32.const 0)))
