import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The folder of the field scripts (scripts/). */
export const SCRIPTS_DIR = join(__dirname, '..');

export type LinuxScript = 'check-critical-services.sh' | 'check-pending-reboot.sh';

export interface ScriptRun {
  /** The process's exit code. */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's lines, without the trailing empty one. */
  lines: string[];
  /** The last stdout line, parsed as JSON; undefined when it is not JSON. */
  report: Record<string, unknown> | undefined;
}

/** Where a program is on this machine's PATH (the restricted PATHs of some tests lack it). */
export function which(program: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(`${program} is not on PATH`);
}

function parseLast(lines: string[]): Record<string, unknown> | undefined {
  const last = lines[lines.length - 1];
  if (last === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(last);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// Test doubles, written in bash without other programs so they also work on a restricted PATH.
const FAKE_SYSTEMCTL = `#!/usr/bin/env bash
# Test double of systemctl: answers from ../services, lines "<unit><TAB><state>".
here=\${0%/*}
printf '%s\\n' "$*" >>"$here/../calls.log"
unit=\${!#}
state=''
found=0
while IFS=$'\\t' read -r name value; do
  if [ "$name" = "$unit" ]; then
    state=$value
    found=1
    break
  fi
done <"$here/../services"
case $1 in
  is-active)
    if [ "$found" -eq 1 ]; then echo "$state"; else echo inactive; fi
    [ "$state" = active ] && exit 0
    exit 3
    ;;
  show)
    if [ "$found" -eq 1 ]; then echo LoadState=loaded; else echo LoadState=not-found; fi
    ;;
  *) exit 1 ;;
esac
`;

const FAKE_HOSTNAME = `#!/usr/bin/env bash
# Test double of hostname: -s and -f answer from ../hostname-short and ../hostname-fqdn.
here=\${0%/*}
case \${1:-} in
  -f) name=$(<"$here/../hostname-fqdn") ;;
  *) name=$(<"$here/../hostname-short") ;;
esac
[ -n "$name" ] && echo "$name"
`;

const fakeNeedsRestarting = (exitCode: number) => `#!/usr/bin/env bash
# Test double of needs-restarting: exits ${exitCode}.
printf 'needs-restarting %s\\n' "$*" >>"\${0%/*}/../calls.log"
exit ${exitCode}
`;

export interface FakeHostOptions {
  /** hostname -s; default 'web-01'. */
  hostname?: string;
  /** hostname -f; default 'web-01.acme.local'; '' prints nothing. */
  fqdn?: string;
  /** /sys/class/dmi/id/product_serial under the root; undefined: no such file. */
  serial?: string;
}

/**
 * A temporary Linux host for the bash scripts: a bin folder first on PATH with fake systemctl,
 * hostname and (on demand) needs-restarting, and a root folder given as SWITCHBOARD_ROOT.
 */
export class FakeHost {
  private constructor(
    readonly dir: string,
    private readonly extraPath: string[],
  ) {}

  get bin(): string {
    return join(this.dir, 'bin');
  }

  get root(): string {
    return join(this.dir, 'root');
  }

  static async create(options: FakeHostOptions = {}): Promise<FakeHost> {
    const host = new FakeHost(await mkdtemp(join(tmpdir(), 'switchboard-scripts-')), []);
    await mkdir(host.bin, { recursive: true });
    await mkdir(join(host.root, 'var/run'), { recursive: true });
    await mkdir(join(host.root, 'proc'), { recursive: true });
    await host.executable('systemctl', FAKE_SYSTEMCTL);
    await host.executable('hostname', FAKE_HOSTNAME);
    await writeFile(join(host.dir, 'services'), '');
    await writeFile(join(host.dir, 'calls.log'), '');
    await writeFile(join(host.dir, 'hostname-short'), options.hostname ?? 'web-01');
    await writeFile(join(host.dir, 'hostname-fqdn'), options.fqdn ?? 'web-01.acme.local');
    if (options.serial !== undefined) {
      await mkdir(join(host.root, 'sys/class/dmi/id'), { recursive: true });
      await writeFile(join(host.root, 'sys/class/dmi/id/product_serial'), `${options.serial}\n`);
    }
    return host;
  }

  private async executable(name: string, text: string): Promise<void> {
    const path = join(this.bin, name);
    await writeFile(path, text);
    await chmod(path, 0o755);
  }

  /** What the fake systemctl answers; a unit not named is not installed. */
  async services(states: Record<string, string>): Promise<void> {
    const lines = Object.entries(states).map(([unit, state]) => `${unit}\t${state}\n`);
    await writeFile(join(this.dir, 'services'), lines.join(''));
  }

  /** /var/run/reboot-required, and .pkgs when packages are given; false removes both. */
  async rebootRequired(packages?: string[] | false): Promise<void> {
    const flag = join(this.root, 'var/run/reboot-required');
    await rm(flag, { force: true });
    await rm(`${flag}.pkgs`, { force: true });
    if (packages === false) return;
    await writeFile(flag, '*** System restart required ***\n');
    if (packages) await writeFile(`${flag}.pkgs`, packages.map((p) => `${p}\n`).join(''));
  }

  /** A needs-restarting on PATH that exits with this code; null removes it. */
  async needsRestarting(exitCode: number | null): Promise<void> {
    await rm(join(this.bin, 'needs-restarting'), { force: true });
    if (exitCode !== null) await this.executable('needs-restarting', fakeNeedsRestarting(exitCode));
  }

  /** /proc/stat with this btime (seconds since 1970). */
  async bootedAt(time: Date): Promise<void> {
    const btime = Math.floor(time.getTime() / 1000);
    await writeFile(join(this.root, 'proc/stat'), `cpu 1 2 3 4\nbtime ${btime}\nprocesses 42\n`);
  }

  /** The commands the fakes were asked, one a line. */
  async calls(): Promise<string[]> {
    return (await readFile(join(this.dir, 'calls.log'), 'utf8')).split('\n').filter(Boolean);
  }

  /**
   * PATH holds only the fakes and links to these programs: a host without, say, curl. The
   * scripts need date, head, mktemp, rm, sort, tr and uname besides what is tested.
   */
  async restrictPath(programs: string[]): Promise<void> {
    const dir = join(this.dir, 'system-bin');
    await mkdir(dir, { recursive: true });
    for (const program of programs) await symlink(which(program), join(dir, program));
    this.extraPath.splice(0, this.extraPath.length, dir);
  }

  /** Runs one of the bash scripts with bash, on this host; never rejects. */
  run(script: LinuxScript, args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
    const path = this.extraPath.length > 0 ? this.extraPath : [process.env.PATH ?? ''];
    return new Promise((resolve) => {
      execFile(
        which('bash'),
        [join(SCRIPTS_DIR, 'linux', script), ...args],
        {
          env: {
            PATH: [this.bin, ...path].join(delimiter),
            SWITCHBOARD_ROOT: this.root,
            LANG: 'C.UTF-8',
            ...env,
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code =
            error && typeof error.code === 'number' ? error.code : error ? Number.NaN : 0;
          const lines = stdout.replace(/\n$/, '').split('\n');
          resolve({ code, stdout, stderr, lines, report: parseLast(lines) });
        },
      );
    });
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export interface CapturedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP server that records what it is sent and answers as told. */
export class CaptureServer {
  readonly requests: CapturedRequest[] = [];
  status = 202;
  reply = '{"accepted":1,"stored":1,"duplicates":0}';

  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(this.reply);
    });
  });

  private constructor() {}

  static async start(): Promise<CaptureServer> {
    const capture = new CaptureServer();
    await new Promise<void>((resolve) => capture.server.listen(0, '127.0.0.1', resolve));
    return capture;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/capture`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port nothing listens on (taken, then given back). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
