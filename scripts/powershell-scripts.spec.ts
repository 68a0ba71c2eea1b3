import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser, Tree } from 'web-tree-sitter';
import { findPatchRemovalReport } from '../connectors/shared/patch-removal-report';
import { SCRIPTS_DIR } from './test-support/fake-host';
import {
  codeOnly,
  commandCalls,
  functionNames,
  orderedKeys,
  parse,
  powershellParser,
  scriptParameters,
  syntaxProblems,
} from './test-support/powershell';

/**
 * No PowerShell runs here: the Windows scripts are parsed with PowerShell's tree-sitter grammar,
 * which finds syntax errors, and their shape is checked where that is cheap.
 */

const SCRIPTS = ['Remove-Patch.ps1', 'Test-PendingReboot.ps1', 'Test-CriticalServices.ps1'];

let parser: Parser;
const trees = new Map<string, Tree>();
const tree = (name: string): Tree => {
  const found = trees.get(name);
  if (!found) throw new Error(`${name} was not parsed`);
  return found;
};

beforeAll(async () => {
  parser = await powershellParser();
  for (const name of SCRIPTS)
    trees.set(name, parse(parser, readFileSync(join(SCRIPTS_DIR, 'windows', name), 'utf8')));
});

describe('the PowerShell grammar', () => {
  it('finds no problem in valid PowerShell', () => {
    const valid = [
      'param([string]$KB = "", [switch]$Reboot)',
      '$r = [ordered]@{ a = 1; b = "x" }',
      'if ($r.a -eq 1) { Write-Output ($r | ConvertTo-Json -Compress) } else { exit 2 }',
      'try { & dism.exe /Online "/PackageName:$n" /Quiet } catch { $_.Exception.Message }',
    ].join('\n');
    expect(syntaxProblems(parse(parser, valid))).toEqual([]);
  });

  it.each([
    ['an unclosed block', 'if ($x) {\n  Write-Output 1\n'],
    ['an unclosed string', 'Write-Output "no end\n$y = 2\n'],
    ['an unclosed parenthesis', '$y = (1 + 2\nWrite-Output $y\n'],
    ['a stray closing brace', 'Write-Output 1\n}\n'],
    ['a broken hash literal', '$h = @{ a = 1; = 2 }\n'],
    ['a function without its body', 'function Get-Thing {\n param([string]$A)\n'],
  ])('reports %s', (_name, source) => {
    expect(syntaxProblems(parse(parser, source)).length).toBeGreaterThan(0);
  });

  it.each(SCRIPTS)('reports a syntax error put into %s', (name) => {
    const text = tree(name).rootNode.text;
    // The first "{" of the code, opened twice, is never closed.
    const at = codeOnly(tree(name)).indexOf('{');
    const broken = `${text.slice(0, at)}{ ${text.slice(at)}`;
    expect(syntaxProblems(parse(parser, broken)).length).toBeGreaterThan(0);
  });
});

describe.each(SCRIPTS)('%s', (name) => {
  it('parses without ERROR or MISSING nodes', () => {
    expect(syntaxProblems(tree(name))).toEqual([]);
  });

  it('has comment-based help with a synopsis, a description and an example', () => {
    const help = tree(name).rootNode.descendantsOfType('comment')[1]?.text ?? '';
    expect(help).toMatch(/^<#/);
    for (const section of ['.SYNOPSIS', '.DESCRIPTION', '.EXAMPLE'])
      expect(help).toContain(section);
    for (const parameter of scriptParameters(tree(name)))
      expect(help).toContain(`.PARAMETER ${parameter}`);
  });

  it('is plain ASCII (Windows PowerShell 5.1 reads a file without BOM in the ANSI code page)', () => {
    const unexpected = [...tree(name).rootNode.text].filter(
      (ch) => !'\t\r\n'.includes(ch) && (ch < ' ' || ch > '~'),
    );
    expect(unexpected).toEqual([]);
  });

  it('stops on errors and asks for Windows PowerShell 5.1 at least', () => {
    expect(tree(name).rootNode.text.split('\n')[0]).toBe('#Requires -Version 5.1');
    expect(codeOnly(tree(name))).toContain("$ErrorActionPreference = 'Stop'");
  });
});

describe('Remove-Patch.ps1', () => {
  const code = () => codeOnly(tree('Remove-Patch.ps1'));

  it('takes -KB and -Reboot', () => {
    expect(scriptParameters(tree('Remove-Patch.ps1'))).toEqual(['KB', 'Reboot']);
  });

  it('removes with DISM /Remove-Package, quietly and without restarting, never with wusa', () => {
    expect(code()).toMatch(
      /Invoke-Native -FilePath \(Get-SystemTool 'dism\.exe'\) -ArgumentList @\(\s*'\/Online', '\/Remove-Package', "\/PackageName:\$\(\$carrier\.Name\)", '\/Quiet', '\/NoRestart'\)/,
    );
    expect(code()).not.toMatch(/wusa/i);
  });

  it('finds the package with DISM, the package manifests and Get-HotFix, as its help says', () => {
    expect(code()).toContain('Get-WindowsPackage -Online');
    expect(code()).toContain("'/Get-Packages', '/Format:Table'");
    expect(code()).toContain('\'/Get-PackageInfo\', "/PackageName:$Name"');
    expect(code()).toContain('servicing\\Packages\\$Name.mum');
    expect(code()).toContain('Get-HotFix -Id $Id');
    expect(code()).toContain('permanen(ce|cy)\\s*=\\s*"permanent"');
    expect(code()).toContain("-match 'ServicingStack'");
  });

  it('ends every way out with the report, each outcome with its documented exit code', () => {
    const calls = commandCalls(tree('Remove-Patch.ps1'), 'Complete');
    const pairs = new Set(calls.map((c) => `${c.Outcome} ${c.ExitCode}`));
    expect([...pairs].sort()).toEqual([
      "'failed' 1",
      "'failed' 2",
      "'not-installed' 10",
      "'refused' 20",
      "'refused' 21",
      "'removed' $code",
    ]);
    // The removed exit code: 3010 when DISM asks for a reboot, else 0.
    expect(code()).toMatch(/\$code = 0\s+if \(\$RebootRequired\) \{ \$code = 3010 \}/);
    // No other exit than the report's: every "exit" is Complete's.
    const exits = tree('Remove-Patch.ps1')
      .rootNode.descendantsOfType('flow_control_statement')
      .filter((s) => s?.children[0]?.type === 'exit')
      .map((s) => s?.text);
    expect(exits).toEqual(['exit $ExitCode']);
  });

  it('prints the report with the keys in the order Switchboard reads, as compressed JSON', () => {
    expect(orderedKeys(tree('Remove-Patch.ps1'), 'report')).toEqual([
      'switchboard',
      'version',
      'kb',
      'outcome',
      'exitCode',
      'packageName',
      'rebootRequired',
      'rebooting',
      'message',
    ]);
    expect(code()).toContain('Write-Output ($report | ConvertTo-Json -Compress)');
    expect(code()).toContain("switchboard = 'remove-patch'");
  });

  it('schedules the restart with shutdown.exe when asked', () => {
    expect(code()).toContain(
      "-ArgumentList @(\n            '/r', '/t', '60', '/c', \"Switchboard: rollback of $KbId\")",
    );
  });
});

describe('the report lines of Remove-Patch.ps1, read by findPatchRemovalReport', () => {
  const KEYS = [
    'switchboard',
    'version',
    'kb',
    'outcome',
    'exitCode',
    'packageName',
    'rebootRequired',
    'rebooting',
    'message',
  ];
  const ROLLUP = 'Package_for_RollupFix~31bf3856ad364e35~amd64~~20348.2227.1.8';
  const SSU = 'Package_for_ServicingStack_2227~31bf3856ad364e35~amd64~~20348.2227.1.3';
  // As Windows PowerShell 5.1's ConvertTo-Json -Compress writes them (it escapes ' as \u0027).
  const lines = {
    removedReboot: `{"switchboard":"remove-patch","version":1,"kb":"KB5034441","outcome":"removed","exitCode":3010,"packageName":"${ROLLUP}","rebootRequired":true,"rebooting":false,"message":"Removed KB5034441 (${ROLLUP}); a reboot finishes the removal."}`,
    removedRebooting: `{"switchboard":"remove-patch","version":1,"kb":"KB5034441","outcome":"removed","exitCode":3010,"packageName":"${ROLLUP}","rebootRequired":true,"rebooting":true,"message":"Removed KB5034441 (${ROLLUP}); a reboot finishes the removal. Restarting in 60 seconds to finish it."}`,
    removed: `{"switchboard":"remove-patch","version":1,"kb":"KB5031234","outcome":"removed","exitCode":0,"packageName":"Package_for_KB5031234~31bf3856ad364e35~amd64~~10.0.1.2","rebootRequired":false,"rebooting":false,"message":"Removed KB5031234 (Package_for_KB5031234~31bf3856ad364e35~amd64~~10.0.1.2)."}`,
    notInstalled:
      '{"switchboard":"remove-patch","version":1,"kb":"KB5034441","outcome":"not-installed","exitCode":10,"rebootRequired":false,"rebooting":false,"message":"KB5034441 is not installed: no installed servicing package carries it."}',
    permanent: `{"switchboard":"remove-patch","version":1,"kb":"KB5034441","outcome":"refused","exitCode":20,"packageName":"${ROLLUP}","rebootRequired":false,"rebooting":false,"message":"Refused: KB5034441 (${ROLLUP}) is a permanent package, which Windows does not allow to be removed."}`,
    servicingStack: `{"switchboard":"remove-patch","version":1,"kb":"KB5035857","outcome":"refused","exitCode":21,"packageName":"${SSU}","rebootRequired":false,"rebooting":false,"message":"Refused: KB5035857 (${SSU}) is a servicing stack update, which Windows needs to install updates and which is not removed."}`,
    failed: `{"switchboard":"remove-patch","version":1,"kb":"KB5034441","outcome":"failed","exitCode":1,"packageName":"${ROLLUP}","rebootRequired":false,"rebooting":false,"message":"DISM could not remove KB5034441 (${ROLLUP}): exit code -2146498530 (0x800F081E)."}`,
    badExtra:
      '{"switchboard":"remove-patch","version":1,"kb":"KB5034441","outcome":"failed","exitCode":2,"rebootRequired":false,"rebooting":false,"message":"Bad arguments: unexpected -Force; the script takes -KB and -Reboot."}',
    badKb:
      '{"switchboard":"remove-patch","version":1,"kb":"5034441,5034442","outcome":"failed","exitCode":2,"rebootRequired":false,"rebooting":false,"message":"Bad arguments: -KB must be a KB number such as 5034441 or KB5034441, not \\u00275034441,5034442\\u0027."}',
  };

  it('writes its sample lines with the keys in the script’s order', () => {
    for (const line of Object.values(lines)) {
      const keys = Object.keys(JSON.parse(line) as object);
      expect(keys).toEqual(KEYS.filter((k) => keys.includes(k)));
      expect(line.startsWith('{"switchboard":"remove-patch"')).toBe(true);
    }
  });

  it.each([
    [
      'removed, reboot pending',
      lines.removedReboot,
      {
        outcome: 'removed',
        exitCode: 3010,
        packageName: ROLLUP,
        rebootRequired: true,
        rebooting: false,
      },
    ],
    [
      'removed and rebooting',
      lines.removedRebooting,
      { outcome: 'removed', exitCode: 3010, rebootRequired: true, rebooting: true },
    ],
    [
      'removed',
      lines.removed,
      { kb: 'KB5031234', outcome: 'removed', exitCode: 0, rebootRequired: false },
    ],
    [
      'not installed',
      lines.notInstalled,
      { outcome: 'not-installed', exitCode: 10, packageName: undefined },
    ],
    [
      'refused: permanent',
      lines.permanent,
      { outcome: 'refused', exitCode: 20, packageName: ROLLUP },
    ],
    [
      'refused: servicing stack',
      lines.servicingStack,
      { kb: 'KB5035857', outcome: 'refused', exitCode: 21, packageName: SSU },
    ],
    ['failed', lines.failed, { outcome: 'failed', exitCode: 1 }],
    ['bad arguments, the KB readable', lines.badExtra, { outcome: 'failed', exitCode: 2 }],
  ])('reads %s', (_name, line, expected) => {
    const output = [
      'Looking for the servicing package that carries KB5034441.',
      'Found Package_for_RollupFix~31bf3856ad364e35~amd64~~20348.2227.1.8 (Installed, SecurityUpdate).',
      line,
    ].join('\r\n');
    const report = findPatchRemovalReport(output);
    expect(report).toMatchObject({ kb: 'KB5034441', ...expected });
    const printed = JSON.parse(line) as Record<string, unknown>;
    expect(report).toEqual({
      kb: printed.kb,
      outcome: printed.outcome,
      exitCode: printed.exitCode,
      packageName: printed.packageName,
      rebootRequired: printed.rebootRequired,
      rebooting: printed.rebooting,
      message: printed.message,
    });
  });

  it('gives no report for bad arguments whose KB is no KB: the exit code 2 tells', () => {
    expect(findPatchRemovalReport(lines.badKb)).toBeUndefined();
  });

  it('takes the last line when a retried run printed twice', () => {
    const report = findPatchRemovalReport(`${lines.failed}\n${lines.removedReboot}\n`);
    expect(report).toMatchObject({ outcome: 'removed', exitCode: 3010 });
  });
});

describe('Test-PendingReboot.ps1', () => {
  const code = () => codeOnly(tree('Test-PendingReboot.ps1'));

  it('takes -SwitchboardUrl, -Secret and -Client', () => {
    expect(scriptParameters(tree('Test-PendingReboot.ps1'))).toEqual([
      'SwitchboardUrl',
      'Secret',
      'Client',
    ]);
  });

  it('makes a reboot pending from the CBS and Windows Update keys only', () => {
    expect(code()).toContain(
      "if (Get-LocalMachineKey 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending') {\n    $reasons.Add('Component Based Servicing: RebootPending')",
    );
    expect(code()).toContain(
      "if (Get-LocalMachineKey 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired') {\n    $reasons.Add('Windows Update: RebootRequired')",
    );
    expect(code().match(/\$reasons\.Add\(/g)).toHaveLength(2);
    // PendingFileRenameOperations is informational only.
    expect(code()).toContain(
      "if ($renames.Count -gt 0) { $informational.Add('PendingFileRenameOperations set') }",
    );
    expect(code()).toContain('$pending = $reasons.Count -gt 0');
  });

  it('posts reboot.pending or reboot.clear with the last boot, the check and the device', () => {
    expect(code()).toContain("$kind = 'reboot.clear'");
    expect(code()).toContain("if ($pending) { $kind = 'reboot.pending' }");
    expect(code()).toContain('(Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime');
    expect(code()).toContain("$rebootEvent['lastBootAt'] = $lastBootAt");
    expect(orderedKeys(tree('Test-PendingReboot.ps1'), 'rebootEvent')).toEqual([
      'eventId',
      'kind',
      'occurredAt',
      'client',
      'device',
      'check',
      'lastBootAt',
      'message',
    ]);
  });

  it('exits 0 clean, 1 pending, 3 when the post failed, 4 on bad arguments', () => {
    expect(code()).toMatch(
      /\$exitCode = 0\n\$summary = 'No reboot pending'\nif \(\$pending\) \{\n\s+\$summary = \$reasons -join '; '\n\s+\$exitCode = 1/,
    );
    expect(code()).toContain('$exitCode = 3');
    expect(code().match(/exit 4/g)).toHaveLength(3);
    expect(code()).toMatch(/exit \$exitCode\s*$/);
  });
});

describe('Test-CriticalServices.ps1', () => {
  const code = () => codeOnly(tree('Test-CriticalServices.ps1'));

  it('takes -Services, -SwitchboardUrl, -Secret and -Client', () => {
    expect(scriptParameters(tree('Test-CriticalServices.ps1'))).toEqual([
      'Services',
      'SwitchboardUrl',
      'Secret',
      'Client',
    ]);
  });

  it('looks at each service with Get-Service and names the ones not running', () => {
    expect(code()).toContain('Get-Service -Name');
    expect(code()).toContain("Up = ($state -eq 'Running')");
    expect(code()).toContain("State = 'not installed'");
    expect(code()).toContain(
      "$line = 'Not running: ' + (($down | ForEach-Object { '{0} ({1})' -f $_.Name, $_.State }) -join ', ')",
    );
    expect(code()).toContain('$exitCode = 2');
  });

  it('posts one service event per service, origin verification, naming the check', () => {
    expect(orderedKeys(tree('Test-CriticalServices.ps1'), 'serviceEvent')).toEqual([
      'eventId',
      'kind',
      'occurredAt',
      'client',
      'device',
      'service',
      'check',
      'origin',
      'message',
    ]);
    expect(code()).toContain("$serviceEvent['origin'] = 'verification'");
    expect(code()).toContain("$kind = 'service.down'");
    expect(code()).toContain("if ($result.Up) { $kind = 'service.up' }");
    expect(code()).toContain(
      "$message = '{0}: {1} is {2}' -f $CheckName, $result.Name, $result.State",
    );
  });
});

describe.each(['Test-PendingReboot.ps1', 'Test-CriticalServices.ps1'])('%s posting', (name) => {
  const code = () => codeOnly(tree(name));

  it('posts a JSON array with the secret in X-Switchboard-Token', () => {
    expect(functionNames(tree(name))).toEqual(
      expect.arrayContaining(['Get-DeviceIdentity', 'Send-SwitchboardEvent']),
    );
    expect(code()).toContain('ConvertTo-Json -InputObject @($Events) -Depth 6 -Compress');
    expect(code()).toContain("-Headers @{ 'X-Switchboard-Token' = $Token }");
    expect(code()).toContain("-ContentType 'application/json; charset=utf-8'");
    expect(code()).toContain('-Method Post');
  });

  it('identifies the device by hostname, FQDN and BIOS serial', () => {
    expect(code()).toContain('$identity = [ordered]@{ hostname = [string]$env:COMPUTERNAME }');
    expect(code()).toContain("[System.Net.Dns]::GetHostEntry('').HostName");
    expect(code()).toContain('(Get-CimInstance -ClassName Win32_BIOS).SerialNumber');
  });

  it('shares Get-DeviceIdentity and Send-SwitchboardEvent with the other check', () => {
    const other =
      name === 'Test-PendingReboot.ps1' ? 'Test-CriticalServices.ps1' : 'Test-PendingReboot.ps1';
    const body = (script: string) =>
      tree(script)
        .rootNode.descendantsOfType('function_statement')
        .find((f) => f?.children.some((c) => c.text === 'Send-SwitchboardEvent'))?.text;
    expect(body(name)).toBeDefined();
    expect(body(name)).toBe(body(other));
  });
});
