;; A select first in its block whose condition is a comparison that ended
;; the block before, which branched on it with br_if: the comparison's
;; value was spilled, so the br_if compared its slot with zero, and the
;; baseline tier's select took the flags as still the comparison's own
;; (intCompare's setcc condition), not the br_if's `cmp slot, 0`, and
;; picked the wrong arm (found by scripts/difftest against wasmtime:
;; binaryen's ttf module 200267; isa/amd64 emit.go, blocks). Each function
;; returns -1 when the br_if leaves, else select(10, 20, cond) of the
;; type in its name: cond is i64.eqz of x (eqz_*) or x < 5 (lt_*). The v128
;; local is what made the front end lay the blocks out so.
;; TestFlagsBlockSelect runs it (flags_block_exec_test.go).
(module
  (func (export "eqz_f64") (param $x i64) (result f64)
    (local $c i32) (local v128)
    block
      block (result f64)
        loop (result i32)
          local.get $c
          br_if 0
          local.get $x
          i64.eqz
          local.tee $c
        end
        br_if 1
        f64.const 10
        f64.const 20
        local.get $c
        select
      end
      return
    end
    f64.const -1)

  (func (export "eqz_f32") (param $x i64) (result f32)
    (local $c i32) (local v128)
    block
      block (result f32)
        loop (result i32)
          local.get $c
          br_if 0
          local.get $x
          i64.eqz
          local.tee $c
        end
        br_if 1
        f32.const 10
        f32.const 20
        local.get $c
        select
      end
      return
    end
    f32.const -1)

  (func (export "eqz_i32") (param $x i64) (result i32)
    (local $c i32) (local v128)
    block
      block (result i32)
        loop (result i32)
          local.get $c
          br_if 0
          local.get $x
          i64.eqz
          local.tee $c
        end
        br_if 1
        i32.const 10
        i32.const 20
        local.get $c
        select
      end
      return
    end
    i32.const -1)

  (func (export "eqz_i64") (param $x i64) (result i64)
    (local $c i32) (local v128)
    block
      block (result i64)
        loop (result i32)
          local.get $c
          br_if 0
          local.get $x
          i64.eqz
          local.tee $c
        end
        br_if 1
        i64.const 10
        i64.const 20
        local.get $c
        select
      end
      return
    end
    i64.const -1)

  (func (export "lt_f64") (param $x i64) (result f64)
    (local $c i32) (local v128)
    block
      block (result f64)
        loop (result i32)
          local.get $c
          br_if 0
          local.get $x
          i64.const 5
          i64.lt_s
          local.tee $c
        end
        br_if 1
        f64.const 10
        f64.const 20
        local.get $c
        select
      end
      return
    end
    f64.const -1)

  (func (export "lt_i32") (param $x i64) (result i32)
    (local $c i32) (local v128)
    block
      block (result i32)
        loop (result i32)
          local.get $c
          br_if 0
          local.get $x
          i64.const 5
          i64.lt_s
          local.tee $c
        end
        br_if 1
        i32.const 10
        i32.const 20
        local.get $c
        select
      end
      return
    end
    i32.const -1))
