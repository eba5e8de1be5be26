;; Float comparisons deciding branches and float selects without a 0/1
;; value (ssa/pass_fuse_compare.go: a branch on i32.eqz of an ordered
;; comparison takes the comparison with its targets swapped;
;; ssa/pass_fuse_select.go and isa/amd64 sel: float selects take the
;; comparison's flags). Each function takes x (i64) and returns an i64;
;; a = f64.reinterpret(x), b = f64.reinterpret(rotl(x, 32)) (NaNs among
;; them). fcmpfuse_exec_test.go runs them at -O 0 and -O 2 in both bounds
;; modes, SSE and AVX, over memory filled by fillMemory, and checks that
;; -O 2 materializes no comparison in the ones named *_nb. Built with
;; `wat2wasm fcmpfuse.wat` (wabt).
(module
  (memory 1 1)
  (func (export "poke") (param i32 i64)
    (i64.store (local.get 0) (local.get 1)))

  ;; if (!(a < b)): the then arm loads past the page for big x (a trap,
  ;; its offset checked).
  (func (export "not_lt_nb") (param $x i64) (result i64)
    (if (result i64) (i32.eqz (f64.lt (f64.reinterpret_i64 (local.get $x))
                                      (f64.reinterpret_i64 (i64.rotl (local.get $x) (i64.const 32)))))
      (then (i64.load (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 0x1fff8))))
      (else (i64.const 2))))

  ;; br_if on !(a >= b), f32.
  (func (export "not_ge32_nb") (param $x i64) (result i64)
    (block $out
      (br_if $out (i32.eqz (f32.ge (f32.reinterpret_i32 (i32.wrap_i64 (local.get $x)))
                                   (f32.reinterpret_i32 (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32)))))))
      (return (i64.const 7)))
    (i64.const 9))

  ;; !(a > b) and !(a <= b) on the same operands, both taken.
  (func (export "not_gt_le_nb") (param $x i64) (result i64)
    (local $a f64) (local $b f64) (local $r i64)
    (local.set $a (f64.reinterpret_i64 (local.get $x)))
    (local.set $b (f64.reinterpret_i64 (i64.rotl (local.get $x) (i64.const 32))))
    (if (i32.eqz (f64.gt (local.get $a) (local.get $b))) (then (local.set $r (i64.const 1))))
    (if (i32.eqz (f64.le (local.get $a) (local.get $b))) (then (local.set $r (i64.or (local.get $r) (i64.const 2)))))
    (local.get $r))

  ;; A loop that runs while !(s <= lim): a NaN s runs to the count.
  (func (export "loop_not_le_nb") (param $x i64) (result i64)
    (local $s f64) (local $i i32)
    (local.set $s (f64.reinterpret_i64 (local.get $x)))
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (i32.const 100)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $s (f64.add (f64.mul (local.get $s) (f64.const 0.5)) (f64.const 1)))
        (br_if $l (i32.eqz (f64.le (local.get $s) (f64.const 2.5))))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $i)) (i64.const 56))
            (i64.and (i64.reinterpret_f64 (local.get $s)) (i64.const 0xffffffffffffff))))

  ;; Float selects on a float comparison (min-like, NaNs pick an operand).
  (func (export "sel_lt_nb") (param $x i64) (result i64)
    (local $a f64) (local $b f64)
    (local.set $a (f64.reinterpret_i64 (local.get $x)))
    (local.set $b (f64.reinterpret_i64 (i64.rotl (local.get $x) (i64.const 32))))
    (i64.reinterpret_f64 (select (local.get $a) (local.get $b) (f64.lt (local.get $a) (local.get $b)))))
  (func (export "sel_ge32_nb") (param $x i64) (result i64)
    (local $a f32) (local $b f32)
    (local.set $a (f32.reinterpret_i32 (i32.wrap_i64 (local.get $x))))
    (local.set $b (f32.reinterpret_i32 (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32)))))
    (i64.extend_i32_u (i32.reinterpret_f32 (select (local.get $b) (f32.const -0.0) (f32.ge (local.get $a) (local.get $b))))))

  ;; One comparison, three selects (float, integer, float with a constant).
  (func (export "sel_group_nb") (param $x i64) (result i64)
    (local $a f64) (local $b f64) (local $c i32) (local $r f64) (local $k i64) (local $q f64)
    (local.set $a (f64.reinterpret_i64 (local.get $x)))
    (local.set $b (f64.reinterpret_i64 (i64.rotl (local.get $x) (i64.const 32))))
    (local.set $c (f64.gt (local.get $a) (local.get $b)))
    (local.set $r (select (local.get $a) (local.get $b) (local.get $c)))
    (local.set $k (select (local.get $x) (i64.const 5) (local.get $c)))
    (local.set $q (select (local.get $b) (f64.const 2) (local.get $c)))
    (i64.xor (i64.xor (i64.reinterpret_f64 (local.get $r)) (i64.rotl (local.get $k) (i64.const 11)))
             (i64.rotl (i64.reinterpret_f64 (local.get $q)) (i64.const 23))))

  ;; An integer comparison selecting floats, and a select on eqz of a
  ;; float comparison.
  (func (export "sel_int_nb") (param $x i64) (result i64)
    (i64.reinterpret_f64 (select (f64.reinterpret_i64 (local.get $x)) (f64.const 3.5)
                                 (i64.lt_s (local.get $x) (i64.const 0x4000000000000000)))))
  (func (export "sel_eqz") (param $x i64) (result i64)
    (local $a f64) (local $b f64)
    (local.set $a (f64.reinterpret_i64 (local.get $x)))
    (local.set $b (f64.reinterpret_i64 (i64.rotl (local.get $x) (i64.const 32))))
    (i64.reinterpret_f64 (select (local.get $a) (local.get $b) (i32.eqz (f64.lt (local.get $a) (local.get $b))))))

  ;; Fourteen floats live across float selects on loads (spilled
  ;; operands and results), a load past the page for big x.
  (func (export "sel_pressure") (param $x i64) (result i64)
    (local $p i32) (local $f0 f64) (local $f1 f64) (local $f2 f64) (local $f3 f64) (local $f4 f64) (local $f5 f64)
    (local $f6 f64) (local $f7 f64) (local $f8 f64) (local $f9 f64) (local $f10 f64) (local $f11 f64) (local $f12 f64) (local $f13 f64)
    (local.set $p (i32.and (i32.wrap_i64 (local.get $x)) (i32.const 0x1ff00)))
    (local.set $f0 (f64.load offset=0 (local.get $p)))
    (local.set $f1 (f64.load offset=8 (local.get $p)))
    (local.set $f2 (select (local.get $f0) (local.get $f1) (f64.lt (local.get $f0) (local.get $f1))))
    (local.set $f3 (f64.load offset=24 (local.get $p)))
    (local.set $f4 (select (local.get $f3) (local.get $f2) (f64.ge (local.get $f3) (local.get $f2))))
    (local.set $f5 (f64.load offset=40 (local.get $p)))
    (local.set $f6 (select (local.get $f5) (local.get $f0) (f64.gt (local.get $f5) (local.get $f1))))
    (local.set $f7 (select (local.get $f6) (local.get $f3) (f64.le (local.get $f4) (local.get $f5))))
    (local.set $f8 (f64.load offset=64 (local.get $p)))
    (local.set $f9 (select (local.get $f8) (local.get $f7) (f64.lt (local.get $f8) (local.get $f6))))
    (local.set $f10 (select (local.get $f1) (local.get $f9) (f64.gt (local.get $f2) (local.get $f8))))
    (local.set $f11 (f64.load offset=88 (local.get $p)))
    (local.set $f12 (select (local.get $f11) (local.get $f10) (f64.ge (local.get $f11) (local.get $f0))))
    (local.set $f13 (select (local.get $f12) (local.get $f4) (f64.lt (local.get $f3) (local.get $f11))))
    (i64.xor
      (i64.xor (i64.xor (i64.reinterpret_f64 (local.get $f0)) (i64.rotl (i64.reinterpret_f64 (local.get $f1)) (i64.const 1)))
               (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $f2)) (i64.const 2)) (i64.rotl (i64.reinterpret_f64 (local.get $f3)) (i64.const 3))))
      (i64.xor
        (i64.xor (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $f4)) (i64.const 4)) (i64.rotl (i64.reinterpret_f64 (local.get $f5)) (i64.const 5)))
                 (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $f6)) (i64.const 6)) (i64.rotl (i64.reinterpret_f64 (local.get $f7)) (i64.const 7))))
        (i64.xor
          (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $f8)) (i64.const 8)) (i64.rotl (i64.reinterpret_f64 (local.get $f9)) (i64.const 9)))
          (i64.xor (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $f10)) (i64.const 10)) (i64.rotl (i64.reinterpret_f64 (local.get $f11)) (i64.const 11)))
                   (i64.xor (i64.rotl (i64.reinterpret_f64 (local.get $f12)) (i64.const 12)) (i64.rotl (i64.reinterpret_f64 (local.get $f13)) (i64.const 13))))))))
)
