;; Loads near the end of a one-page memory whose value feeds an operation
;; a backend may fold the load into, with a memory operand of another
;; width than the load's. scripts/difftest found wasmtime (v37, Cranelift)
;; getting both kinds wrong: f32/f64.copysign read 16 bytes (a trap where
;; the 4 or 8 bytes are in bounds), and a v128.load feeding a _low
;; operation read 8 (no trap where bytes 8..15 are out of bounds).
;; TestEndOfMemoryLoads calls each export with the address in the
;; comment: the copysigns return -0 (the memory is zero), the others trap
;; out of bounds at their v128.load.
(module
  (memory 1 1)
  ;; 65532: the last 4 bytes
  (func (export "copysign32") (param i32) (result f32)
    (f32.copysign (f32.load (local.get 0)) (f32.const -1.5)))
  ;; 65528: the last 8 bytes
  (func (export "copysign64") (param i32) (result f64)
    (f64.copysign (f64.load (local.get 0)) (f64.const -1.5)))
  ;; 65521 + offset 4: bytes 65525..65540
  (func (export "extmul_low") (param i32) (result i64)
    (i64x2.extract_lane 0
      (i16x8.extmul_low_i8x16_s (v128.const i64x2 1 1) (v128.load offset=4 (local.get 0)))))
  ;; 65528: bytes 65528..65543, the low 8 in bounds
  (func (export "extend_low") (param i32) (result i64)
    (i64x2.extract_lane 0 (i32x4.extend_low_i16x8_u (v128.load (local.get 0)))))
  (func (export "promote_low") (param i32) (result f64)
    (f64x2.extract_lane 0 (f64x2.promote_low_f32x4 (v128.load (local.get 0)))))
  (func (export "convert_low") (param i32) (result f64)
    (f64x2.extract_lane 0 (f64x2.convert_low_i32x4_s (v128.load (local.get 0)))))
)
