;; A library for --preload tests: a function, a memory, a global and a
;; table that importers share. Rebuild: wat2wasm lib.wat
(module
  (memory (export "mem") 1)
  (global (export "counter") (mut i32) (i32.const 0))
  (table (export "tab") 2 funcref)
  (func $add (export "add") (param i32 i32) (result i32)
    global.get 0 i32.const 1 i32.add global.set 0
    local.get 0 local.get 1 i32.add)
  (elem (i32.const 0) $add))
