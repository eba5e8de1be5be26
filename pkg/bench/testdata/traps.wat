;; Exports that end each way lucet-bench counts: a return, and traps of
;; several codes. Regenerate traps.wasm with scripts/build-wat-testdata.sh.
(module
  (memory 1)
  (table 1 1 funcref)
  (type $v (func))
  (func $nop)
  (elem (i32.const 0) $nop)
  (func (export "ok"))
  (func (export "oob") (drop (i32.load (i32.const 0x7ffffff0))))
  (func (export "div0") (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (func (export "unreachable") unreachable)
  (func $deep (export "overflow") (call $deep))
  (func (export "badsig") (drop (call_indirect (result i32) (i32.const 0))))
  ;; traps on odd calls: a counter in memory
  (func (export "sometimes")
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (if (i32.and (i32.load (i32.const 0)) (i32.const 1)) (then unreachable)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
