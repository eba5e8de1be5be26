;; A module that leaves references to its own function in a host funcref
;; table and a mutable host funcref global (hostref_test.go): $f reads the
;; word at 0 of the instance's memory, which "set" writes.
;; Rebuild: wat2wasm hostref.wat -o hostref.wasm
(module
  (import "h" "tab" (table $t 2 funcref))
  (import "h" "g" (global $g (mut funcref)))
  (memory 1)
  (func $f (result i32) (i32.load (i32.const 0)))
  (func (export "set") (param i32) (i32.store (i32.const 0) (local.get 0)))
  (func (export "call") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
  (func (export "keep") (global.set $g (ref.func $f)))
  (func (export "callg") (result i32)
    (table.set $t (i32.const 1) (global.get $g))
    (call_indirect (result i32) (i32.const 1)))
  (elem (i32.const 0) $f)
  (elem declare func $f)
)
