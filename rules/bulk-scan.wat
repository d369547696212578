;; The bulk scanner's inner loops (see hit-scanner.ts): the Aho-Corasick automaton of scanner.ts
;; run over bytes in WebAssembly. Compiled by rules/build-wasm.ts into rules/generated/.
;;
;; A DFA step is a load whose address depends on the previous load, so one stream of input runs
;; at the memory latency (~6 cycles a byte). scan4 runs four streams, a fixed `distance` apart,
;; in one loop: their loads overlap, and the loop is about four times as fast as scan1.
;;
;; Memory layout (bytes); the host grows the memory and fills the table lazily:
;;   0     i32[256]  alphabet class of each byte value, times 4 (a column offset in a row)
;;   1024  i32       scan1: the row it stopped in; 1028: its next hit slot
;;   1088  i32[4]    scan4: each stream's row (in and out)
;;   1152  i32[4]    scan4: each stream's next hit slot
;;   2048  i32[..]   the transition table, a row of `classes` entries per state. An entry is the
;;                   byte address of the next state's row; bit-inverted (negative) when a literal
;;                   ends in that state; 0 when not worked out yet (the loop then stops and the
;;                   host fills it in). Rows are never at address 0, so 0 is free for "unknown".
;; A hit is two i32: the address of the byte that completed a literal, and the state's row.
(module
  (memory (export "memory") 1)
  (global (export "streams") i32 (i32.const 4))
  (global (export "distance") i32 (i32.const 262144))
  (global (export "single_row") i32 (i32.const 1024))
  (global (export "single_out") i32 (i32.const 1028))
  (global (export "rows") i32 (i32.const 1088))
  (global (export "outs") i32 (i32.const 1152))
  (global (export "table") i32 (i32.const 2048))

  ;; One stream over [p, end) from `row`, writing hits from `out`. Returns where it stopped:
  ;; `end`, or the byte whose transition is unknown (its row and the hit slot are saved).
  (func (export "scan1") (param $p i32) (param $end i32) (param $row i32) (param $out i32) (result i32)
    (local $e i32)
    (block $stop
      (loop $step
        (br_if $stop (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $e
          (i32.load (i32.add (local.get $row)
            (i32.load (i32.shl (i32.load8_u (local.get $p)) (i32.const 2))))))
        (if (i32.le_s (local.get $e) (i32.const 0))
          (then
            (br_if $stop (i32.eqz (local.get $e)))
            (local.set $e (i32.xor (local.get $e) (i32.const -1)))
            (i32.store (local.get $out) (local.get $p))
            (i32.store offset=4 (local.get $out) (local.get $e))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))))
        (local.set $row (local.get $e))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $step)))
    (i32.store (i32.const 1024) (local.get $row))
    (i32.store (i32.const 1028) (local.get $out))
    (local.get $p))

  ;; Four streams in step: stream k reads byte p + k * distance, for p in [p, end). Rows and hit
  ;; slots are read from and saved to memory (1088, 1152). Returns `end`, or the step at which
  ;; some stream met an unknown transition: no stream has taken that step yet.
  (func (export "scan4") (param $p i32) (param $end i32) (result i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $e0 i32) (local $e1 i32) (local $e2 i32) (local $e3 i32)
    (local.set $r0 (i32.load (i32.const 1088)))
    (local.set $r1 (i32.load (i32.const 1092)))
    (local.set $r2 (i32.load (i32.const 1096)))
    (local.set $r3 (i32.load (i32.const 1100)))
    (block $stop
      (loop $step
        (br_if $stop (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $e0 (i32.load (i32.add (local.get $r0)
          (i32.load (i32.shl (i32.load8_u (local.get $p)) (i32.const 2))))))
        (local.set $e1 (i32.load (i32.add (local.get $r1)
          (i32.load (i32.shl (i32.load8_u offset=262144 (local.get $p)) (i32.const 2))))))
        (local.set $e2 (i32.load (i32.add (local.get $r2)
          (i32.load (i32.shl (i32.load8_u offset=524288 (local.get $p)) (i32.const 2))))))
        (local.set $e3 (i32.load (i32.add (local.get $r3)
          (i32.load (i32.shl (i32.load8_u offset=786432 (local.get $p)) (i32.const 2))))))
        ;; e - 1 is negative exactly when e is a hit (negative) or unknown (0): one test for all.
        (if (i32.lt_s
              (i32.or
                (i32.or (i32.sub (local.get $e0) (i32.const 1)) (i32.sub (local.get $e1) (i32.const 1)))
                (i32.or (i32.sub (local.get $e2) (i32.const 1)) (i32.sub (local.get $e3) (i32.const 1))))
              (i32.const 0))
          (then
            (br_if $stop
              (i32.or
                (i32.or (i32.eqz (local.get $e0)) (i32.eqz (local.get $e1)))
                (i32.or (i32.eqz (local.get $e2)) (i32.eqz (local.get $e3)))))
            (if (i32.lt_s (local.get $e0) (i32.const 0))
              (then (local.set $e0 (call $hit (i32.const 1152) (local.get $p) (local.get $e0)))))
            (if (i32.lt_s (local.get $e1) (i32.const 0))
              (then (local.set $e1 (call $hit (i32.const 1156) (i32.add (local.get $p) (i32.const 262144)) (local.get $e1)))))
            (if (i32.lt_s (local.get $e2) (i32.const 0))
              (then (local.set $e2 (call $hit (i32.const 1160) (i32.add (local.get $p) (i32.const 524288)) (local.get $e2)))))
            (if (i32.lt_s (local.get $e3) (i32.const 0))
              (then (local.set $e3 (call $hit (i32.const 1164) (i32.add (local.get $p) (i32.const 786432)) (local.get $e3)))))))
        (local.set $r0 (local.get $e0))
        (local.set $r1 (local.get $e1))
        (local.set $r2 (local.get $e2))
        (local.set $r3 (local.get $e3))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $step)))
    (i32.store (i32.const 1088) (local.get $r0))
    (i32.store (i32.const 1092) (local.get $r1))
    (i32.store (i32.const 1096) (local.get $r2))
    (i32.store (i32.const 1100) (local.get $r3))
    (local.get $p))

  ;; Records a hit at `at` for the stream whose hit slot is kept at `slot`; returns the row.
  (func $hit (param $slot i32) (param $at i32) (param $e i32) (result i32)
    (local $out i32)
    (local.set $e (i32.xor (local.get $e) (i32.const -1)))
    (local.set $out (i32.load (local.get $slot)))
    (i32.store (local.get $out) (local.get $at))
    (i32.store offset=4 (local.get $out) (local.get $e))
    (i32.store (local.get $slot) (i32.add (local.get $out) (i32.const 8)))
    (local.get $e))

  ;; The number of newline bytes in [p, end), sixteen bytes at a time.
  (func (export "newlines") (param $p i32) (param $end i32) (result i32)
    (local $n i32) (local $acc v128) (local $blocks i32)
    (block $tail
      (loop $outer
        (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
        ;; A newline lane of i8x16.eq is -1, so subtracting counts it; 255 blocks at most
        ;; before the byte lanes are summed, so none overflows.
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $blocks (i32.const 255))
        (loop $inner
          (local.set $acc (i8x16.sub (local.get $acc)
            (i8x16.eq (v128.load (local.get $p)) (i8x16.splat (i32.const 10)))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
          (br_if $inner (i32.and
            (i32.ne (local.get $blocks) (i32.const 0))
            (i32.le_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))))
        (local.set $acc (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $acc))))
        (local.set $n (i32.add (local.get $n)
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))
        (br $outer)))
    (block $done
      (loop $byte
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $n (i32.add (local.get $n) (i32.eq (i32.load8_u (local.get $p)) (i32.const 10))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $byte)))
    (local.get $n))
)
