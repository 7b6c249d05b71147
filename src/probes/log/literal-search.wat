;; Wu-Manber multi-literal scan over bytes in linear memory, four interleaved lanes (see literal-search-type.ts).
;; Blocks are 3 bytes hashed to 16 bits, h(i) = (u16 at i-1 XOR byte at i-2 << 5) & 0xffff: with a hundred literals
;; and more, 2-byte blocks leave almost every common bigram with a small shift; 3-byte blocks keep the skip long.
;; literal-search-wasm.ts embeds the assembled bytes; test/probes/log/literal-search-wasm.test.ts checks they match this file.
;;
;; Memory layout (byte addresses):
;;   0 .. 65536          shift table: u8 per block hash (h of the last three bytes of the window)
;;   65536 .. 327680     bucket heads: u32 per block hash = (count << 16) | first pattern index; 0 = none ends there
;;   327680 .. 360448    patterns: (address u32, length u32) per pattern, sorted by the block their m-prefix ends with
;;   360448 .. 360464    results: the four lanes' output ends after scan4
;;   the rest            pattern bytes, output areas and data areas, placed by literal-search-wasm.ts
(module
  (memory (export "mem") 1)
  (global $m (mut i32) (i32.const 2))
  (func (export "setM") (param $v i32) (global.set $m (local.get $v)))

  ;; verify: does a literal whose m-prefix ends with the block at $i start at $i - m + 1 and end by $end?
  ;; Appends the start to $out and returns the new $out.
  (func $verify (param $i i32) (param $end i32) (param $out i32) (result i32)
    (local $head i32) (local $k i32) (local $kend i32) (local $ws i32) (local $off i32) (local $len i32) (local $j i32)
    (local.set $head (i32.load offset=65536 (i32.shl (i32.and (i32.xor (i32.load16_u (i32.sub (local.get $i) (i32.const 1))) (i32.shl (i32.load8_u (i32.sub (local.get $i) (i32.const 2))) (i32.const 5))) (i32.const 65535)) (i32.const 2))))
    (if (i32.eqz (local.get $head)) (then (return (local.get $out))))
    (local.set $k (i32.and (local.get $head) (i32.const 65535)))
    (local.set $kend (i32.add (local.get $k) (i32.shr_u (local.get $head) (i32.const 16))))
    (local.set $ws (i32.add (i32.sub (local.get $i) (global.get $m)) (i32.const 1)))
    (block $done
      (loop $pats
        (br_if $done (i32.ge_u (local.get $k) (local.get $kend)))
        (local.set $off (i32.load offset=327680 (i32.shl (local.get $k) (i32.const 3))))
        (local.set $len (i32.load offset=327684 (i32.shl (local.get $k) (i32.const 3))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $pats (i32.gt_u (i32.add (local.get $ws) (local.get $len)) (local.get $end)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $cmp
            (if (i32.ge_u (local.get $j) (local.get $len))
              (then
                (i32.store (local.get $out) (local.get $ws))
                (return (i32.add (local.get $out) (i32.const 4)))))
            (br_if $mismatch
              (i32.ne (i32.load8_u (i32.add (local.get $ws) (local.get $j)))
                      (i32.load8_u (i32.add (local.get $off) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cmp)))
        (br $pats)))
    (local.get $out))

  ;; lane: one chain of windows whose last byte runs from $i to below $stop.
  (func $lane (param $i i32) (param $stop i32) (param $end i32) (param $out i32) (result i32)
    (local $s i32)
    (block $exit
      (loop $next
        (br_if $exit (i32.ge_u (local.get $i) (local.get $stop)))
        (local.set $s (i32.load8_u (i32.and (i32.xor (i32.load16_u (i32.sub (local.get $i) (i32.const 1))) (i32.shl (i32.load8_u (i32.sub (local.get $i) (i32.const 2))) (i32.const 5))) (i32.const 65535))))
        (if (local.get $s)
          (then (local.set $i (i32.add (local.get $i) (local.get $s))))
          (else
            (local.set $out (call $verify (local.get $i) (local.get $end) (local.get $out)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $next)))
    (local.get $out))

  ;; scan4: four lanes at once (independent chains run side by side), then each lane's rest alone.
  ;; Lane k covers window ends [start_k, stop_k); hits go to out_k; the four output ends are stored at 360448.
  (func (export "scan4")
    (param $a i32) (param $ea i32) (param $b i32) (param $eb i32)
    (param $c i32) (param $ec i32) (param $d i32) (param $ed i32) (param $end i32)
    (param $oa i32) (param $ob i32) (param $oc i32) (param $od i32)
    (local $s i32)
    (block $exit
      (loop $next
        (br_if $exit (i32.ge_u (local.get $a) (local.get $ea)))
        (br_if $exit (i32.ge_u (local.get $b) (local.get $eb)))
        (br_if $exit (i32.ge_u (local.get $c) (local.get $ec)))
        (br_if $exit (i32.ge_u (local.get $d) (local.get $ed)))
        (local.set $s (i32.load8_u (i32.and (i32.xor (i32.load16_u (i32.sub (local.get $a) (i32.const 1))) (i32.shl (i32.load8_u (i32.sub (local.get $a) (i32.const 2))) (i32.const 5))) (i32.const 65535))))
        (if (local.get $s)
          (then (local.set $a (i32.add (local.get $a) (local.get $s))))
          (else
            (local.set $oa (call $verify (local.get $a) (local.get $end) (local.get $oa)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))))
        (local.set $s (i32.load8_u (i32.and (i32.xor (i32.load16_u (i32.sub (local.get $b) (i32.const 1))) (i32.shl (i32.load8_u (i32.sub (local.get $b) (i32.const 2))) (i32.const 5))) (i32.const 65535))))
        (if (local.get $s)
          (then (local.set $b (i32.add (local.get $b) (local.get $s))))
          (else
            (local.set $ob (call $verify (local.get $b) (local.get $end) (local.get $ob)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))))
        (local.set $s (i32.load8_u (i32.and (i32.xor (i32.load16_u (i32.sub (local.get $c) (i32.const 1))) (i32.shl (i32.load8_u (i32.sub (local.get $c) (i32.const 2))) (i32.const 5))) (i32.const 65535))))
        (if (local.get $s)
          (then (local.set $c (i32.add (local.get $c) (local.get $s))))
          (else
            (local.set $oc (call $verify (local.get $c) (local.get $end) (local.get $oc)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))))
        (local.set $s (i32.load8_u (i32.and (i32.xor (i32.load16_u (i32.sub (local.get $d) (i32.const 1))) (i32.shl (i32.load8_u (i32.sub (local.get $d) (i32.const 2))) (i32.const 5))) (i32.const 65535))))
        (if (local.get $s)
          (then (local.set $d (i32.add (local.get $d) (local.get $s))))
          (else
            (local.set $od (call $verify (local.get $d) (local.get $end) (local.get $od)))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))))
        (br $next)))
    (i32.store (i32.const 360448) (call $lane (local.get $a) (local.get $ea) (local.get $end) (local.get $oa)))
    (i32.store (i32.const 360452) (call $lane (local.get $b) (local.get $eb) (local.get $end) (local.get $ob)))
    (i32.store (i32.const 360456) (call $lane (local.get $c) (local.get $ec) (local.get $end) (local.get $oc)))
    (i32.store (i32.const 360460) (call $lane (local.get $d) (local.get $ed) (local.get $end) (local.get $od))))
)
