;; A table of ten million null funcrefs (80 MB of elements), for
;; TestNullTableCommitsNothing: "fill" makes every element non-null, "get"
;; says whether element i is null, "grow" grows the table by n nulls.
;; Rebuild: wat2wasm nulltable.wat -o nulltable.wasm
(module
  (table $t 10000000 funcref)
  (func $f (result i32) (i32.const 7))
  (elem declare func $f)
  (func (export "fill") (table.fill $t (i32.const 0) (ref.func $f) (table.size $t)))
  (func (export "isnull") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
)
