;; Needs 64 MiB of memory at the start: over a small memory limit.
(module (memory 1024))
