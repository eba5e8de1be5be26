;; The other instance shrinkwrap.wat imports "other" from (TestShrinkWrap).
(module
  (func (export "other") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 2)) (i32.const 1))))
