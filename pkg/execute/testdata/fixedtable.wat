;; Tables for TestFixedTables: a Go program's kind of table (6,447
;; elements, no maximum, never grown, not exported) and two like it that
;; may change size, one exported and one grown by table.grow.
;; Regenerate: wat2wasm fixedtable.wat -o fixedtable.wasm
(module
  (type $v (func (result i32)))
  (table $fixed 6447 funcref)
  (table $exported (export "t") 6447 funcref)
  (table $grown 6447 funcref)
  (func $seven (result i32) (i32.const 7))
  (elem (table $fixed) (i32.const 6446) func $seven)
  (func (export "call") (param i32) (result i32)
    (call_indirect $fixed (type $v) (local.get 0)))
  (func (export "grow") (param i32) (result i32)
    (table.grow $grown (ref.null func) (local.get 0))))
