;; A tenant for stale_test.go: get and set the word at 0 of its memory, and
;; export every kind of extern for a later instance to import.
;; Rebuild: wat2wasm stale.wat -o stale.wasm
(module
  (memory (export "mem") 1)
  (table (export "tab") 1 funcref)
  (global (export "g") (mut i32) (i32.const 0))
  (func $get (export "get") (result i32) (i32.load (i32.const 0)))
  (func (export "set") (param i32) (i32.store (i32.const 0) (local.get 0)))
  (elem (i32.const 0) $get)
)
