;; A scan loop whose byte is carried to the next iteration with its entry
;; value a parameter: the loop tests b, then loads the next byte into b.
;; When b is not the byte at p, the first iteration differs from memory,
;; which the vector prologue must check (scanLoops' C2). Built by
;; scripts/build-scan-testdata.sh (wat2wasm).
(module
  (memory (export "memory") 2)
  ;; Returns p where b == 'z' or b == 0 first, b being the entry value for
  ;; the first iteration and the byte at p after.
  (func (export "carried_arg") (param $p i32) (param $b i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (local.get $b) (i32.const 122)))
        (br_if $done (i32.eqz (local.get $b)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $b (i32.load8_u (local.get $p)))
        (br $l)))
    (local.get $p))
  ;; The same with the word loaded at a static offset of 3 and the bytes
  ;; compared signed.
  (func (export "carried_off") (param $p i32) (param $b i32) (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (i32.extend8_s (local.get $b)) (i32.const -6)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $b (i32.load8_u offset=3 (local.get $p)))
        (br $l)))
    (local.get $p)))
