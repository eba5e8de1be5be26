;; A small module for lucet-run --invoke: plain exports with known results,
;; and exports that trap in different ways.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "\2a\00\00\00")

  (func (export "add") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.add)

  ;; Recursive, so calls and the stack are exercised: fib(20) = 6765.
  (func $fib (export "fib") (param i64) (result i64)
    local.get 0
    i64.const 2
    i64.lt_u
    if (result i64)
      local.get 0
    else
      local.get 0
      i64.const 1
      i64.sub
      call $fib
      local.get 0
      i64.const 2
      i64.sub
      call $fib
      i64.add
    end)

  (func (export "mulf") (param f64 f64) (result f64)
    local.get 0
    local.get 1
    f64.mul)

  ;; Reads a data segment: answer() = 42.
  (func (export "answer") (result i32)
    i32.const 16
    i32.load)

  (func (export "trap") unreachable)

  (func (export "div") (param i32 i32) (result i32)
    local.get 0
    local.get 1
    i32.div_s)

  (func (export "load") (param i32) (result i32)
    local.get 0
    i32.load)

  (func $forever (export "recurse") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
    call $forever))
