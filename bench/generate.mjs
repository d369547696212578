// Writes a CRIU-like -v4 log of a given size: the debug chatter of dumps and restores (memory
// maps, file descriptors, sockets, ptrace traffic) with timestamps and restore pid columns, and a
// handful of real failures (a taken PID, an established TCP connection) among them.
//
//   node bench/generate.mjs OUT_FILE SIZE_MIB [SEED]
import { createWriteStream } from "node:fs";

const [out, sizeArg, seedArg] = process.argv.slice(2);
if (!out || !sizeArg) {
  console.error("usage: node bench/generate.mjs OUT_FILE SIZE_MIB [SEED]");
  process.exit(2);
}
const target = Number(sizeArg) * 1024 * 1024;
let seed = Number(seedArg ?? 42) >>> 0;
const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const hex = (n) => Math.floor(rnd() * n).toString(16);
const pid = () => 1000 + Math.floor(rnd() * 60000);

const paths = ["/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/python3.11", "/var/log/app/app.log", "/dev/null", "/tmp/.X11-unix/X0", "/etc/ld.so.cache", "/usr/lib/jvm/java-17/lib/server/libjvm.so"];
const chatter = [
  (p) => `${p} was trapped`,
  () => "`- Expecting exit",
  (p) => `${p} (native) is going to execute the syscall ${Math.floor(rnd() * 300)}, required is 15`,
  () => `0x7f${hex(1 << 28)}000-0x7f${hex(1 << 28)}000 (${Math.floor(rnd() * 4096)}K) prot 0x${hex(8)} flags 0x${hex(64)} fdflags 0 st 0x${hex(4096)} off 0 reg fp  shmid: 0x${hex(64)}`,
  () => `Dumping path for ${Math.floor(rnd() * 64)} fd via self ${Math.floor(rnd() * 64)} [${pick(paths)}]`,
  (p) => `\tCollecting fd's of ${p}: pipe, unix socket 0 established`,
  () => `Dumping mm (pid: ${pid()})`,
  () => "----------------------------------------",
  () => `Found ${Math.floor(rnd() * 40)} VMAs in pid ${pid()}`,
  () => `page-pipe: Create page pipe for ${Math.floor(rnd() * 4096)} segs`,
  () => `pagemap-cache: ${pid()}: filling VMA 7f${hex(1 << 28)}000-7f${hex(1 << 28)}000 (${Math.floor(rnd() * 4096)}K) [l:7f${hex(1 << 28)}000 h:7f${hex(1 << 28)}000]`,
  () => `Opening 0x0000${hex(1 << 30)}000-0x0000${hex(1 << 30)}000 0000000000000000 (41) vma`,
  () => `	Restoring fd ${Math.floor(rnd() * 64)} (state -> prepare)`,
  () => `inet: Collected: ino 0x${hex(1 << 24)} family AF_INET type SOCK_STREAM port ${Math.floor(rnd() * 65535)} state TCP_LISTEN src_addr 0.0.0.0`,
  () => `unix: 	Collected: ino ${Math.floor(rnd() * 1e6)} peer_ino 0 family    1 type    1 state  10 name /run/app.sock`,
  () => `fsnotify: 	Found fanotify mark for 0x${hex(1 << 24)}`,
  () => `Restoring signal mask ${hex(1 << 30)}`,
  () => `cg: Set ${pick(["memory", "cpu", "pids", "cpuset"])}.${pick(["max", "weight", "cpus"])} for ${pick(["/", "/system.slice", "/user.slice"])}`,
];
// Warnings CRIU prints on healthy runs: a few per log, never a failure.
const warnings = [
  () => `Warn  (criu/kerndat.c:${Math.floor(rnd() * 3000)}): Can't keep kdat cache on non-tempfs`,
  () => "Warn  (criu/util.c:1044): Unable to get $HOME directory, local configuration file will not be used.",
];
const failures = [
  (p) => `Error (criu/cr-restore.c:1539): Pid ${p + 7} do not match expected ${p}`,
  () => "Error (criu/sk-inet.c:188): inet: Connected TCP socket, consider using --tcp-established option.",
];

const stream = createWriteStream(out, { highWaterMark: 1 << 20 });
let written = 0;
let t = 0;
let batch = [];
const failureEvery = Math.max(1, Math.floor(target / 80 / 8)); // about 8 failures per log
let line = 0;
while (written < target) {
  t += rnd() * 0.0002;
  const p = pid();
  const stamp = `(${String(Math.floor(t)).padStart(2, "0")}.${String(Math.floor((t % 1) * 1e6)).padStart(6, "0")}) `;
  const col = rnd() < 0.4 ? `${String(p).padStart(6)}: ` : "";
  line++;
  const body = line % failureEvery === 0 ? pick(failures)(p) : line % 997 === 0 ? pick(warnings)(p) : pick(chatter)(p);
  const s = stamp + col + body + "\n";
  batch.push(s);
  written += Buffer.byteLength(s);
  if (batch.length >= 4096) {
    if (!stream.write(batch.join(""))) await new Promise((r) => stream.once("drain", r));
    batch = [];
  }
}
stream.end(batch.join(""));
await new Promise((r) => stream.on("finish", r));
