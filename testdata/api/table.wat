;; Two tables of 12 elements together, and growth of the first, for
;; Limits.MaxTableElements.
(module
  (table $t 8 funcref)
  (table $e 4 externref)
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "grow_extern") (param i32) (result i32) (table.grow $e (ref.null extern) (local.get 0)))
  (func (export "size") (result i32) (table.size $t)))
