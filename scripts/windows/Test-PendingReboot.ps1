#Requires -Version 5.1
<#
.SYNOPSIS
    Tells whether Windows waits for a reboot, and optionally tells Switchboard.

.DESCRIPTION
    A reboot is pending when either key exists:
      HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending
      HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired
    PendingFileRenameOperations (HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager) is
    reported as informational only: installers and drivers leave it set for files they replace
    at the next boot, so it says little about updates and never makes a reboot pending here.
    The keys are read in the 64-bit registry view, also from 32-bit PowerShell.

    Prints one line for people, then one JSON line:
      {"switchboard":"pending-reboot","version":1,"pending":true,"reasons":[...],
       "informational":[...],"lastBootAt":"2026-12-04T02:04:00Z","exitCode":1}

    With -SwitchboardUrl (or the environment variable SWITCHBOARD_URL) it posts one event,
    reboot.pending or reboot.clear, to that Switchboard webhook, with the device's hostname, FQDN
    and BIOS serial number, the reasons, and the last boot time (lastBootAt).

    Exit codes:
      0  no reboot pending
      1  a reboot is pending
      3  the post to Switchboard failed (reason on stderr); what the check found is still on
         stdout, in the human line and the JSON line
      4  bad arguments

.PARAMETER SwitchboardUrl
    The generic connector's webhook, https://<switchboard>/webhooks/<instanceId>.

.PARAMETER Secret
    That connector's webhook secret, sent as the X-Switchboard-Token header. Or the environment
    variable SWITCHBOARD_SECRET, which keeps it out of the command line.

.PARAMETER Client
    The client's name as Switchboard should know it (optional; the connector's default client
    is used otherwise).

.EXAMPLE
    Test-PendingReboot.ps1 -SwitchboardUrl https://switchboard.example.net/webhooks/<id> -Secret whsec_...
#>
param(
    [string]$SwitchboardUrl = '',
    [string]$Secret = '',
    [string]$Client = ''
)

$ErrorActionPreference = 'Stop'
$CheckName = 'Test-PendingReboot'
$Usage = 'Usage: Test-PendingReboot.ps1 [-SwitchboardUrl <webhook url> -Secret <secret> [-Client <name>]]'

function Get-LocalMachineKey {
    <# A key under HKLM in the 64-bit view (the native view on 32-bit Windows), or $null. #>
    param([string]$Path)
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey(
        [Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    return $base.OpenSubKey($Path)
}

function Format-UtcTime {
    param([datetime]$Time)
    return $Time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture)
}

function Get-DeviceIdentity {
    <# hostname, fqdn and serial, as far as this device tells them. #>
    $identity = [ordered]@{ hostname = [string]$env:COMPUTERNAME }
    $fqdn = ''
    try { $fqdn = [System.Net.Dns]::GetHostEntry('').HostName } catch { $fqdn = '' }
    if ($fqdn -notlike '*.*') {
        $tcpip = Get-LocalMachineKey 'SYSTEM\CurrentControlSet\Services\Tcpip\Parameters'
        if ($tcpip) {
            $domain = [string]$tcpip.GetValue('Domain')
            if ($domain) { $fqdn = '{0}.{1}' -f [string]$tcpip.GetValue('Hostname'), $domain }
        }
    }
    if ($fqdn -like '*.*') { $identity['fqdn'] = $fqdn.ToLowerInvariant() }
    try {
        $serial = ([string](Get-CimInstance -ClassName Win32_BIOS).SerialNumber).Trim()
        if ($serial) { $identity['serial'] = $serial }
    } catch {
        Write-Verbose "no BIOS serial number: $($_.Exception.Message)"
    }
    return $identity
}

function Send-SwitchboardEvent {
    <# Posts the events: Ok and, for people, Switchboard's answer or why the post failed. #>
    param([string]$Url, [string]$Token, [object[]]$Events)
    $body = ConvertTo-Json -InputObject @($Events) -Depth 6 -Compress
    try {
        [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor
            [Net.SecurityProtocolType]::Tls12
    } catch {
        Write-Verbose 'TLS 1.2 could not be switched on'
    }
    try {
        $reply = Invoke-WebRequest -Uri $Url -Method Post -UseBasicParsing -TimeoutSec 30 `
            -ContentType 'application/json; charset=utf-8' -Headers @{ 'X-Switchboard-Token' = $Token } `
            -Body ([Text.Encoding]::UTF8.GetBytes($body))
        return [pscustomobject]@{ Ok = $true; Detail = ('{0} {1}' -f [int]$reply.StatusCode, $reply.Content) }
    } catch {
        $why = $_.Exception.Message
        if ($_.ErrorDetails -and $_.ErrorDetails.Message) { $why = $_.ErrorDetails.Message }
        $status = ''
        if ($_.Exception.Response) { $status = " (HTTP $([int]$_.Exception.Response.StatusCode))" }
        return [pscustomobject]@{ Ok = $false; Detail = "could not post to Switchboard${status}: $why" }
    }
}

# --- arguments -------------------------------------------------------------------------------
if ($args.Count -gt 0) {
    [Console]::Error.WriteLine("${CheckName}: unexpected $($args -join ' '). $Usage")
    exit 4
}
if (-not $SwitchboardUrl) { $SwitchboardUrl = [string]$env:SWITCHBOARD_URL }
if (-not $Secret) { $Secret = [string]$env:SWITCHBOARD_SECRET }
if (-not $Client) { $Client = [string]$env:SWITCHBOARD_CLIENT }
if ($SwitchboardUrl -and -not $Secret) {
    [Console]::Error.WriteLine("${CheckName}: -SwitchboardUrl needs -Secret (the webhook secret). $Usage")
    exit 4
}
if ($SwitchboardUrl -and $SwitchboardUrl -notmatch '^https?://') {
    [Console]::Error.WriteLine("${CheckName}: -SwitchboardUrl must be an http(s) URL. $Usage")
    exit 4
}

# --- the check -------------------------------------------------------------------------------
$reasons = New-Object System.Collections.Generic.List[string]
$informational = New-Object System.Collections.Generic.List[string]
if (Get-LocalMachineKey 'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') {
    $reasons.Add('Component Based Servicing: RebootPending')
}
if (Get-LocalMachineKey 'SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') {
    $reasons.Add('Windows Update: RebootRequired')
}
$sessionManager = Get-LocalMachineKey 'SYSTEM\CurrentControlSet\Control\Session Manager'
if ($sessionManager) {
    $renames = @($sessionManager.GetValue('PendingFileRenameOperations') | Where-Object { $_ })
    if ($renames.Count -gt 0) { $informational.Add('PendingFileRenameOperations set') }
}

$lastBootAt = ''
try {
    $lastBootAt = Format-UtcTime -Time ((Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime)
} catch {
    Write-Verbose "no last boot time: $($_.Exception.Message)"
}

$pending = $reasons.Count -gt 0
$exitCode = 0
$summary = 'No reboot pending'
if ($pending) {
    $summary = $reasons -join '; '
    $exitCode = 1
}
if ($informational.Count -gt 0) { $summary += " (informational: $($informational -join '; '))" }
$line = "$summary."
if ($pending) { $line = "Reboot pending: $line" }
if ($lastBootAt) { $line += " Last boot: $lastBootAt." }

# --- tell Switchboard --------------------------------------------------------------------------
$posted = $null
$postLine = ''
if ($SwitchboardUrl) {
    $identity = Get-DeviceIdentity
    $now = Format-UtcTime ([datetime]::UtcNow)
    $kind = 'reboot.clear'
    if ($pending) { $kind = 'reboot.pending' }
    $rebootEvent = [ordered]@{
        eventId    = '{0}|{1}|{2}|{3}' -f $identity.hostname, $CheckName, $kind, $now
        kind       = $kind
        occurredAt = $now
    }
    if ($Client) { $rebootEvent['client'] = $Client }
    $rebootEvent['device'] = $identity
    $rebootEvent['check'] = [ordered]@{ name = $CheckName }
    if ($lastBootAt) { $rebootEvent['lastBootAt'] = $lastBootAt }
    $rebootEvent['message'] = $summary
    $post = Send-SwitchboardEvent -Url $SwitchboardUrl -Token $Secret -Events @($rebootEvent)
    $posted = [bool]$post.Ok
    if ($posted) {
        $postLine = "Switchboard: $($post.Detail)"
    } else {
        [Console]::Error.WriteLine("${CheckName}: $($post.Detail)")
        $exitCode = 3
    }
}

$result = [ordered]@{
    switchboard   = 'pending-reboot'
    version       = 1
    pending       = $pending
    reasons       = [string[]]$reasons.ToArray()
    informational = [string[]]$informational.ToArray()
}
if ($lastBootAt) { $result['lastBootAt'] = $lastBootAt }
if ($null -ne $posted) { $result['posted'] = $posted }
$result['exitCode'] = $exitCode

Write-Output $line
if ($postLine) { Write-Output $postLine }
Write-Output ($result | ConvertTo-Json -Compress)
exit $exitCode
