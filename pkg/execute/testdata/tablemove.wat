;; Tables for TestTableMove: an exported growable funcref table of 100
;; elements (in the store's arena, with room for 164) and the ways to grow
;; it past its room: table.grow from the guest, and from the host
;; (env.grow) while the guest's frames are live, with call_indirect
;; through it before and after.
;; Regenerate: wat2wasm tablemove.wat -o tablemove.wasm
(module
  (type $v (func (result i32)))
  (type $grow (func (param i32) (result i32)))
  (import "env" "grow" (func $hostgrow (type $grow)))
  (table $t (export "t") 100 funcref)
  (func $seven (type $v) (i32.const 7))
  (func $eight (type $v) (i32.const 8))
  (elem (table $t) (i32.const 0) func $seven $eight)
  (func (export "call") (param i32) (result i32)
    (call_indirect $t (type $v) (local.get 0)))
  ;; grow(n) appends n references to $eight.
  (func (export "grow") (param i32) (result i32)
    (table.grow $t (ref.func $eight) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
  ;; set(i) stores a reference to $seven at i.
  (func (export "set") (param i32)
    (table.set $t (local.get 0) (ref.func $seven)))
  ;; hostgrow(i, n) calls through i, has the host grow the table by n
  ;; and set element i, calls through i again, and returns the first
  ;; result times 10 plus the second.
  (func (export "hostgrow") (param i32 i32) (result i32)
    (i32.mul (call_indirect $t (type $v) (local.get 0)) (i32.const 10))
    (drop (call $hostgrow (local.get 1)))
    (call_indirect $t (type $v) (local.get 0))
    (i32.add)))
