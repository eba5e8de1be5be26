;; A small module exercising every part of the object lucet-objdump shows:
;; an imported host function, memory with active and passive data, a
;; table with an element segment, globals, exports and a start function.
(module $small
  (import "env" "log" (func $log (param i32) (result i32)))
  (type $binop (func (param i32 i32) (result i32)))
  (memory (export "memory") 1 2)
  (data (i32.const 16) "hello, world\n")
  (data (i32.const 8190) "\01\02\03\04")
  (data $later "passive")
  (table 2 10 funcref)
  (elem (i32.const 0) $add $load)
  (global $counter (export "counter") (mut i32) (i32.const 42))
  (global $one f64 (f64.const 1))
  (func $add (export "add") (type $binop)
    local.get 0 local.get 1 i32.add)
  (func $load (param i32) (result i32)
    local.get 0 i32.load
    call $log)
  (func $init
    i32.const 1 global.set $counter)
  (func (export "div") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s)
  (func (export "dispatch") (param i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 call_indirect (type $binop))
  (start $init))
