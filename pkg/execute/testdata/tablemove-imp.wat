;; The importer of TestTableMove: grows and calls through a table it
;; imports (a.t).
;; Regenerate: wat2wasm tablemove-imp.wat -o tablemove-imp.wasm
(module
  (type $v (func (result i32)))
  (import "a" "t" (table $t 1 funcref))
  (func (export "grow") (param i32) (result i32)
    (table.grow $t (ref.null func) (local.get 0)))
  (func (export "call") (param i32) (result i32)
    (call_indirect $t (type $v) (local.get 0))))
