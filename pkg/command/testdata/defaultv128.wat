;; --default-values-unknown-imports with a v128 result: both halves zero (TestDefaultUnknownV128)
(module
  (import "env" "f" (func $f (param v128) (result v128)))
  (import "env" "g" (func $g (param i64 i64) (result i64 i64 i32)))
  (func (export "run") (result v128)
    (call $f (v128.const i64x2 5 6)))
  (func (export "run2") (result i64 i64 i32)
    (call $g (i64.const 7) (i64.const 8))))
