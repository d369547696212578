// The articles as the pages need them: loaded once, sorted, grouped by area, phase and option.
import { getCollection, type CollectionEntry } from "astro:content";
import { AREAS, PHASES, type Area, type Phase } from "../../rules/vocabulary.ts";

export type Article = CollectionEntry<"failures">;

/** Every article, by title. */
export async function getArticles(): Promise<Article[]> {
  const all = await getCollection("failures");
  return all.sort((a, b) => a.data.title.localeCompare(b.data.title, "en"));
}

export { PHASE_LABELS, areaLabel } from "./labels.ts";

/** What each phase is, for the phase pages and the home page. */
export const PHASE_DESCRIPTIONS: Record<Phase, string> = {
  dump: "Checkpointing: CRIU freezes the process tree, collects its state through a parasite and writes the images (also runc checkpoint, podman container checkpoint, docker checkpoint create).",
  "pre-dump": "Iterative migration: CRIU copies memory while the processes keep running, so that the final dump has less to write.",
  restore: "Restoring: CRIU reads the images and recreates the processes, their resources and namespaces (also runc restore, podman container restore, docker start --checkpoint).",
  check: "criu check: probes the kernel and the system for the features checkpoint/restore needs.",
  any: "Failures that are not tied to one command: CRIU missing, wrong privileges, crashes, a wrapper's own errors.",
};

/** What each area covers, for the area pages, the home page and the article index. */
export const AREA_DESCRIPTIONS: Record<Area, string> = {
  "process tree": "Seizing, freezing and recreating the tasks: PIDs, sessions, the parasite, task states and crashes of CRIU or the restored process.",
  mounts: "The mount namespace: bind mounts, external mounts, sharing groups, mountinfo and the root filesystem.",
  files: "Open files: deleted and changed files, file locks, ghost files, fsnotify, epoll and special descriptors.",
  sockets: "Unix, TCP, netlink and other sockets, their peers and options.",
  network: "Network namespaces, links and devices, the network lock (iptables, nftables) and the page server connection.",
  namespaces: "PID, user, UTS, IPC and nested namespaces.",
  cgroups: "Control groups: the cgroup yard, moving tasks and restoring controller properties.",
  memory: "Memory mappings, dirty-page tracking, lazy pages, AIO rings, SysV shared memory and the vDSO.",
  kernel: "Kernel features CRIU relies on: kerndat probes, CPU and FPU features, rseq and 32-bit tasks.",
  security: "Privileges, ptrace access, capabilities, seccomp, AppArmor and SELinux labels.",
  devices: "Open devices and special files CRIU cannot save.",
  tty: "Terminals: shell jobs, controlling terminals, sessions and pseudo-terminals.",
  plugins: "CRIU plugins for AMD and NVIDIA GPUs, and action scripts run by CRIU or the container runtime.",
  images: "Checkpoint images: missing, incomplete, damaged, from another CRIU version, or a pre-dump chain that does not fit.",
  wrappers: "The tools that run CRIU: runc, crun, Podman, Docker, containerd, Kubernetes, LXD, CRaC and OpenJ9.",
};

/** Areas in vocabulary order, each with its articles; empty areas are left out unless `all`. */
export function byArea(articles: Article[], all = false): { area: Area; articles: Article[] }[] {
  return AREAS.map((area) => ({ area, articles: articles.filter((a) => a.data.area === area) })).filter(
    (g) => all || g.articles.length > 0,
  );
}

/** Phases in vocabulary order with their articles (an `any` article belongs to every phase). */
export function byPhase(articles: Article[]): { phase: Phase; articles: Article[] }[] {
  return PHASES.map((phase) => ({ phase, articles: articles.filter((a) => inPhase(a, phase)) })).filter(
    (g) => g.articles.length > 0,
  );
}

export function inPhase(article: Article, phase: Phase): boolean {
  return article.data.phase.includes(phase) || (phase !== "any" && article.data.phase.includes("any"));
}

/** Every CRIU option some article names, alphabetically, with its articles (those naming it first, first). */
export function byOption(articles: Article[]): { option: string; articles: Article[] }[] {
  const map = new Map<string, Article[]>();
  for (const a of articles) for (const o of a.data.options) map.set(o, [...(map.get(o) ?? []), a]);
  return [...map]
    .sort(([a], [b]) => a.localeCompare(b, "en"))
    .map(([option, list]) => ({
      option,
      articles: [...list].sort((x, y) => x.data.options.indexOf(option) - y.data.options.indexOf(option)),
    }));
}


/** Version notes oldest first: `1.6`, `2.5`, `2.8`, `3.17`, `3.17.1`, `4.0`. */
export function sortVersions<T extends { version: string }>(notes: readonly T[]): T[] {
  const key = (v: string) => v.split(".").map(Number);
  return [...notes].sort((a, b) => {
    const [x, y] = [key(a.version), key(b.version)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const d = (x[i] ?? 0) - (y[i] ?? 0);
      if (d) return d;
    }
    return 0;
  });
}
