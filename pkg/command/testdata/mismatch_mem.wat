;; see mismatch.wat
(module (import "a" "mem" (memory 2 2)))
