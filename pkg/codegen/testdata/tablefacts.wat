;; Tables for TestCallTargetFacts: which of them frontend.ModuleFacts finds
;; constant. The immediates before each write hold 0x26 (table.set) and
;; 0xfc bytes, which the scan must step over, not read as opcodes.
(module
  (import "env" "imp" (table $imp 1 funcref))
  (table $src 2 funcref)  ;; 1: table.copy reads it: constant
  (table $dst 2 funcref)  ;; 2: table.copy writes it
  (table $fill 2 funcref) ;; 3
  (table $init 2 funcref) ;; 4
  (table $set 2 funcref)  ;; 5
  (table $kept 2 funcref) ;; 6: only read
  (memory 1)
  (elem $e func $f)
  (func $f
    (drop (f64.const 0x1.2626262626262p+38))
    (drop (f32.const 0x1.4c4c4cp-51))
    (drop (i64.const 0x2626262626262626))
    (drop (i32.const -0x3d9d9da))
    (drop (i32.load offset=0x26 align=1 (i32.const 0x7c)))
    (i64.store offset=0xfc26 (i32.const 0) (i64.const 0xfcfcfcfc))
    (table.copy $dst $src (i32.const 0) (i32.const 0) (i32.const 1))
    (table.fill $fill (i32.const 0) (ref.null func) (i32.const 1))
    (table.init $init $e (i32.const 0) (i32.const 0) (i32.const 1))
    (table.set $set (i32.const 0) (table.get $kept (i32.const 1)))
    (drop (table.size $kept))
    (drop (call_indirect $kept (result i32) (i32.const 0)))))
