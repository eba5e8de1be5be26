;; Needs 18,000,000 table elements at the start: over the most any limit
;; allows (the decoder takes up to 10,000,000 a table).
(module (table 9000000 funcref) (table 9000000 externref))
