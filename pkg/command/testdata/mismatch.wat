;; imports exporter.wat's externs with other types (TestPreloadTypeMismatchWords):
;; table "t" is one element, memory "mem" 1..2 pages, global "g" mutable.
(module
  (import "a" "t" (table 2 funcref)))
