;; The bulk scanner's inner loops (see hit-scanner.ts): the Aho-Corasick automaton of scanner.ts
;; run over bytes in WebAssembly. Compiled by rules/build-wasm.ts into rules/generated/.
;;
;; A DFA step is a load whose address depends on the previous load, so one stream of input runs
;; at the memory latency (~5 cycles a byte). scan8 runs eight streams, a fixed `distance` apart,
;; in one loop: their loads overlap, and the loop is about six times as fast as scan1. A row has
;; an entry for each byte value (no alphabet-class lookup), so a step is two loads.
;;
;; Memory layout (bytes); the host grows the memory and fills the table lazily:
;;   0     i32[256]  the trap row: all zero, so a stream that takes an unknown transition stays
;;                   there (see scan8)
;;   1024  i32       scan1: the row it stopped in; 1028: its next hit slot
;;   1088  i32[8]    scan8: each stream's row (in and out)
;;   1152  i32[8]    scan8: each stream's next hit slot
;;   2048  i32[..]   the transition table, a row of 256 entries (1 KiB) per state. An entry is
;;                   the byte address of the next state's row; bit-inverted (negative) when a
;;                   literal ends in that state; 0 when not worked out yet. Rows are never at
;;                   address 0, so 0 is free for "unknown", and it is also the trap row's address.
;; A hit is two i32: the address of the byte that completed a literal, and the state's row.
(module
  (memory (export "memory") 1)
  (global (export "streams") i32 (i32.const 8))
  (global (export "distance") i32 (i32.const 131072))
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
          (i32.load (i32.add (local.get $row) (i32.shl (i32.load8_u (local.get $p)) (i32.const 2)))))
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

  ;; Eight streams in step: stream k reads byte p + k * distance, for p in [p, end), from the row
  ;; saved for it at 1088 + 4k, and its row is saved back at the end. The loop never stops: a
  ;; stream that meets an unknown transition goes to the trap row at 0 and stays there, recording
  ;; nothing, and the host scans that stream's segment again with scan1. So the loop tests only
  ;; for hits (a negative entry), one test for all eight streams.
  (func (export "scan8") (param $p i32) (param $end i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32) (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local.set $r0 (i32.load (i32.const 1088)))
    (local.set $r1 (i32.load (i32.const 1092)))
    (local.set $r2 (i32.load (i32.const 1096)))
    (local.set $r3 (i32.load (i32.const 1100)))
    (local.set $r4 (i32.load (i32.const 1104)))
    (local.set $r5 (i32.load (i32.const 1108)))
    (local.set $r6 (i32.load (i32.const 1112)))
    (local.set $r7 (i32.load (i32.const 1116)))
    (block $stop
      (loop $step
        (br_if $stop (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $r0 (i32.load (i32.add (local.get $r0) (i32.shl (i32.load8_u (local.get $p)) (i32.const 2)))))
        (local.set $r1 (i32.load (i32.add (local.get $r1) (i32.shl (i32.load8_u offset=131072 (local.get $p)) (i32.const 2)))))
        (local.set $r2 (i32.load (i32.add (local.get $r2) (i32.shl (i32.load8_u offset=262144 (local.get $p)) (i32.const 2)))))
        (local.set $r3 (i32.load (i32.add (local.get $r3) (i32.shl (i32.load8_u offset=393216 (local.get $p)) (i32.const 2)))))
        (local.set $r4 (i32.load (i32.add (local.get $r4) (i32.shl (i32.load8_u offset=524288 (local.get $p)) (i32.const 2)))))
        (local.set $r5 (i32.load (i32.add (local.get $r5) (i32.shl (i32.load8_u offset=655360 (local.get $p)) (i32.const 2)))))
        (local.set $r6 (i32.load (i32.add (local.get $r6) (i32.shl (i32.load8_u offset=786432 (local.get $p)) (i32.const 2)))))
        (local.set $r7 (i32.load (i32.add (local.get $r7) (i32.shl (i32.load8_u offset=917504 (local.get $p)) (i32.const 2)))))
        (if (i32.lt_s
              (i32.or
                (i32.or (i32.or (local.get $r0) (local.get $r1)) (i32.or (local.get $r2) (local.get $r3)))
                (i32.or (i32.or (local.get $r4) (local.get $r5)) (i32.or (local.get $r6) (local.get $r7))))
              (i32.const 0))
          (then
            (if (i32.lt_s (local.get $r0) (i32.const 0))
              (then (local.set $r0 (call $hit (i32.const 1152) (local.get $p) (local.get $r0)))))
            (if (i32.lt_s (local.get $r1) (i32.const 0))
              (then (local.set $r1 (call $hit (i32.const 1156) (i32.add (local.get $p) (i32.const 131072)) (local.get $r1)))))
            (if (i32.lt_s (local.get $r2) (i32.const 0))
              (then (local.set $r2 (call $hit (i32.const 1160) (i32.add (local.get $p) (i32.const 262144)) (local.get $r2)))))
            (if (i32.lt_s (local.get $r3) (i32.const 0))
              (then (local.set $r3 (call $hit (i32.const 1164) (i32.add (local.get $p) (i32.const 393216)) (local.get $r3)))))
            (if (i32.lt_s (local.get $r4) (i32.const 0))
              (then (local.set $r4 (call $hit (i32.const 1168) (i32.add (local.get $p) (i32.const 524288)) (local.get $r4)))))
            (if (i32.lt_s (local.get $r5) (i32.const 0))
              (then (local.set $r5 (call $hit (i32.const 1172) (i32.add (local.get $p) (i32.const 655360)) (local.get $r5)))))
            (if (i32.lt_s (local.get $r6) (i32.const 0))
              (then (local.set $r6 (call $hit (i32.const 1176) (i32.add (local.get $p) (i32.const 786432)) (local.get $r6)))))
            (if (i32.lt_s (local.get $r7) (i32.const 0))
              (then (local.set $r7 (call $hit (i32.const 1180) (i32.add (local.get $p) (i32.const 917504)) (local.get $r7)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $step)))
    (i32.store (i32.const 1088) (local.get $r0))
    (i32.store (i32.const 1092) (local.get $r1))
    (i32.store (i32.const 1096) (local.get $r2))
    (i32.store (i32.const 1100) (local.get $r3))
    (i32.store (i32.const 1104) (local.get $r4))
    (i32.store (i32.const 1108) (local.get $r5))
    (i32.store (i32.const 1112) (local.get $r6))
    (i32.store (i32.const 1116) (local.get $r7))
  )

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
