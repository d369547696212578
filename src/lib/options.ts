// What the CRIU options named by the articles do, and how each is written in a CRIU
// configuration file (/etc/criu/default.conf for plain criu, /etc/criu/runc.conf for runc,
// Docker, containerd and Podman): one option per line, without the leading dashes, followed by
// its value when it takes one.

export interface OptionInfo {
  /** The value the option takes, as a placeholder (`SIZE`, `mnt[]:ms`); none for a flag. */
  value?: string;
  /** A short form, e.g. `-j` for `--shell-job`. */
  short?: string;
  /** One sentence: what the option does. */
  does: string;
}

export const OPTIONS: Record<string, OptionInfo> = {
  "--action-script": { value: "FILE", does: "Runs a script at fixed points of dump and restore (network lock and unlock, pre-dump, post-restore, ...)." },
  "--address": { value: "ADDRESS", does: "The address the page server listens on, or that dump and lazy-pages connect to." },
  "--allow-uprobes": { does: "Lets CRIU dump and restore tasks that have a [uprobes] mapping." },
  "--cgroup-root": { value: "[CONTROLLER:]PATH", does: "Restores the tasks' cgroups below another root than the one recorded in the images." },
  "--cgroup-yard": { value: "PATH", does: "Uses a directory where the cgroup controllers are already mounted instead of mounting a temporary yard." },
  "--cpu-cap": { value: "[fpu,cpu,ins,none,all]", does: "Chooses which CPU capabilities restore compares with the dump host." },
  "--empty-ns": { value: "net", does: "On restore, creates the network namespace empty, for the caller (a container runtime) to configure." },
  "--enable-external-masters": { does: "Allows mounts whose propagation master lies outside the dumped mount namespace." },
  "--enable-external-sharing": { does: "Allows mounts that share propagation with peers outside the dumped mount namespace." },
  "--enable-fs": { value: "FSNAMES", does: "Mounts these filesystems anew on restore even though CRIU does not know how to save them." },
  "--ext-mount-map": { value: "KEY:VALUE", does: "The old spelling of --external mnt[KEY]:VALUE; the value auto detects external bind mounts." },
  "--ext-unix-sk": { does: "Allows unix sockets connected to a peer outside the dumped tree." },
  "--external": { value: "RESOURCE", does: "Declares a resource external to the dump: mnt[...], dev[...], tty[...], unix[...], veth[...], net[...], ..." },
  "--file-locks": { does: "Dumps and restores file locks (flock, POSIX and OFD locks)." },
  "--file-validation": { value: "filesize|buildid", does: "Chooses how restore checks that a file is the one that was open at dump time." },
  "--force-irmap": { does: "Resolves the paths of inotify and fanotify watches by scanning the filesystem." },
  "--freeze-cgroup": { value: "PATH", does: "Freezes the tasks with this freezer cgroup instead of stopping them one by one." },
  "--ghost-limit": { value: "SIZE", does: "The largest deleted-but-open file CRIU copies into the images (1 MiB by default)." },
  "--images-dir": { value: "DIR", short: "-D", does: "The directory the images are written to or read from." },
  "--inherit-fd": { value: "fd[N]:RESOURCE", does: "On restore, uses descriptor N of the criu process for an external resource." },
  "--irmap-scan-path": { value: "PATH", does: "Where to look for the paths of inotify watches." },
  "--join-ns": { value: "NS:PID|PATH", does: "Restores the tasks into an existing namespace instead of creating one." },
  "--lazy-pages": { does: "Restores memory pages on demand, through userfaultfd (post-copy migration)." },
  "--libdir": { value: "PATH", short: "-L", does: "The directory CRIU loads its plugins from." },
  "--link-remap": { does: "Lets CRIU keep open files that lost their name by linking them back under a temporary name." },
  "--lsm-mount-context": { value: "CONTEXT", does: "The SELinux context given to the mounts CRIU restores." },
  "--lsm-profile": { value: "TYPE:NAME", does: "The AppArmor or SELinux profile the restored tasks get." },
  "--manage-cgroups": { value: "[soft|full|strict|ignore]", does: "Dumps and restores the tasks' cgroups and, by mode, their properties." },
  "--mntns-compat-mode": { does: "Restores mount namespaces with the older mount engine instead of mount-v2." },
  "--network-lock": { value: "iptables|nftables|skip", does: "How CRIU blocks the network of the tasks while it dumps and restores them." },
  "--page-server": { does: "Sends memory pages to a page server instead of writing them to the images directory." },
  "--port": { value: "PORT", does: "The TCP port of the page server." },
  "--pre-dump-mode": { value: "splice|read", does: "How pre-dump reads memory: splice (default) or process_vm_readv." },
  "--prev-images-dir": { value: "DIR", does: "The images of the previous pre-dump, relative to the images directory." },
  "--restore-detached": { short: "-d", does: "Detaches criu from the restored tree once the restore is done." },
  "--root": { value: "PATH", does: "The root filesystem of the restored mount namespace." },
  "--shell-job": { short: "-j", does: "Allows a tree started from a shell, whose session and terminal are outside the dump." },
  "--skip-file-rwx-check": { does: "Skips the check that restored files have the permissions they had at dump time." },
  "--skip-in-flight": { does: "Leaves out TCP connections still waiting in a listen queue." },
  "--skip-mnt": { value: "PATH", does: "Leaves this mount out of the dump." },
  "--tcp-close": { does: "Restores established TCP connections as closed sockets." },
  "--tcp-established": { does: "Checkpoints and restores established TCP connections with TCP repair." },
  "--timeout": { value: "SECONDS", does: "How long dump waits for the tasks to freeze." },
  "--tls": { does: "Encrypts page server traffic with TLS." },
  "--track-mem": { does: "Turns on memory change tracking, for pre-dumps and incremental dumps." },
  "--tree": { value: "PID", short: "-t", does: "The root of the process tree to dump." },
  "--unprivileged": { does: "Runs without root, with CAP_CHECKPOINT_RESTORE (Linux 5.9 and later)." },
  "--veth-pair": { value: "IN=OUT", does: "On restore, connects a veth device inside the namespace to this device on the host." },
  "--weak-sysctls": { does: "Skips namespace sysctls the running kernel does not have." },
  "--work-dir": { value: "DIR", short: "-W", does: "The directory for logs and statistics, when it differs from the images directory." },
};

/** The line of a CRIU configuration file for an option: `tcp-established`, `ghost-limit SIZE`. */
export function configLine(option: string): string {
  const name = option.replace(/^-+/, "");
  const value = OPTIONS[option]?.value;
  return value ? `${name} ${value}` : name;
}
