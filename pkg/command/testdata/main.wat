;; Imports everything lib.wat exports, and one function nobody provides.
;; Rebuild: wat2wasm main.wat
(module
  (import "lib" "add" (func $add (param i32 i32) (result i32)))
  (import "lib" "mem" (memory 1))
  (import "lib" "counter" (global $counter (mut i32)))
  (import "lib" "tab" (table 2 funcref))
  (import "env" "missing" (func $missing (param i32) (result i32)))
  (type $bin (func (param i32 i32) (result i32)))
  ;; add through the import and through the shared table; store the sum in
  ;; the shared memory; return the sum plus the shared counter (2 calls).
  (func (export "run") (param i32 i32) (result i32)
    (i32.store (i32.const 16)
      (call $add (local.get 0) (call_indirect (type $bin) (local.get 1) (i32.const 0) (i32.const 0))))
    (i32.add (i32.load (i32.const 16)) (global.get $counter)))
  (func (export "missing") (result i32) (call $missing (i32.const 5))))
