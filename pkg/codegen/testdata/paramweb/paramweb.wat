;; A parser-like loop (regalloc/paramweb.go): fourteen variables carried
;; around a loop whose body is a switch on the next byte; most cases
;; change one or two and pass the rest on unchanged to the merge block
;; (the latch), which tests the bound and jumps back. More variables than
;; registers are live at the switch, so the scan spills some of the loop
;; header's parameters; the latch's parameters, live where fewer values
;; are, get registers. run(n, p) walks bytes p[0..n) (memory holds
;; i*7 mod 251 at i) and returns a mix of all ten.
(module
  (memory (export "memory") 1)
  (func $init
    (local $i i32)
    loop $l
      (i32.store8 (local.get $i) (i32.rem_u (i32.mul (local.get $i) (i32.const 7)) (i32.const 251)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 65536)))
    end)
  (start $init)
  (func (export "run") (param $n i32) (param $p i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32) (local $k i32) (local $x i32)
    (local $l i32) (local $m i32) (local $o i32) (local $q i32)
    (local.set $d (i32.const 1))
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    loop $top
      block $next
        block $c5 block $c4 block $c3 block $c2 block $c1 block $c0
          (local.set $x (i32.load8_u (i32.add (local.get $p) (local.get $i))))
          (i32.and (local.get $x) (i32.const 7))
          br_table $c0 $c1 $c2 $c3 $c4 $c5 $next $next
        end ;; c0
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        br $next
        end ;; c1
        (local.set $b (i32.add (local.get $b) (local.get $i)))
        (local.set $c (i32.xor (local.get $c) (local.get $a)))
        br $next
        end ;; c2
        (local.set $d (i32.mul (local.get $d) (i32.const 3)))
        (local.set $l (i32.add (local.get $l) (local.get $x)))
        br $next
        end ;; c3
        (local.set $e (i32.add (local.get $e) (local.get $x)))
        (local.set $f (i32.sub (local.get $f) (local.get $b)))
        br $next
        end ;; c4
        (local.set $g (i32.rotl (local.get $g) (i32.const 5)))
        (local.set $g (i32.xor (local.get $g) (local.get $x)))
        (local.set $h (i32.add (local.get $h) (local.get $d)))
        (local.set $m (i32.xor (local.get $m) (local.get $h)))
        br $next
        end ;; c5
        (local.set $k (i32.add (local.get $k) (i32.mul (local.get $x) (local.get $c))))
        (local.set $o (i32.sub (local.get $o) (local.get $k)))
        (local.set $q (i32.add (local.get $q) (local.get $l)))
      end ;; $next: the latch
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.lt_u (local.get $i) (local.get $n)))
    end
    (i32.add
      (i32.add (i32.add (i32.add (local.get $a) (i32.mul (local.get $b) (i32.const 3)))
                        (i32.add (i32.xor (local.get $c) (local.get $d)) (i32.mul (local.get $e) (i32.const 5))))
               (i32.add (i32.add (i32.rotl (local.get $f) (i32.const 3)) (local.get $g))
                        (i32.xor (local.get $h) (i32.mul (local.get $k) (i32.const 9)))))
      (i32.add (i32.xor (local.get $l) (i32.mul (local.get $m) (i32.const 11)))
               (i32.sub (local.get $o) (i32.mul (local.get $q) (i32.const 13)))))))
