;; proc_exit(N) for TestGuestExitStatus (and lucet-bench's run test):
;; --invoke exit N, or _start for 256. Rebuild: wat2wasm exits.wat
(module
 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
 (memory (export "memory") 1)
 (func (export "exit") (param i32) (call $exit (local.get 0)))
 (func (export "_start") (call $exit (i32.const 256))))
