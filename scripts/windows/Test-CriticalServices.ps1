#Requires -Version 5.1
<#
.SYNOPSIS
    Tells whether each named Windows service is running, and optionally tells Switchboard.

.DESCRIPTION
    Looks at each service with Get-Service: Running is up; any other state (Stopped, Paused,
    StartPending, ...) or a service that is not installed is down.

    Prints one line for people, then one JSON line:
      {"switchboard":"critical-services","version":1,"ok":false,
       "services":[{"name":"MSSQLSERVER","state":"Stopped","up":false},...],"exitCode":2}

    With -SwitchboardUrl (or the environment variable SWITCHBOARD_URL) it posts one event per
    service, service.up or service.down, with origin "verification" (the finding of a check that
    was run on purpose, evidence on incidents) and the device's hostname, FQDN and BIOS serial.

    Exit codes:
      0  every service is running
      2  at least one is not: "Not running: MSSQLSERVER (Stopped), W3SVC (not installed)"
      3  the post to Switchboard failed (reason on stderr); what the check found is still on
         stdout, in the human line and the JSON line
      4  bad arguments

.PARAMETER Services
    The service names (not display names), separated by commas: MSSQLSERVER,W3SVC.

.PARAMETER SwitchboardUrl
    The generic connector's webhook, https://<switchboard>/webhooks/<instanceId>.

.PARAMETER Secret
    That connector's webhook secret, sent as the X-Switchboard-Token header. Or the environment
    variable SWITCHBOARD_SECRET, which keeps it out of the command line.

.PARAMETER Client
    The client's name as Switchboard should know it (optional).

.EXAMPLE
    Test-CriticalServices.ps1 -Services MSSQLSERVER,W3SVC -SwitchboardUrl https://switchboard.example.net/webhooks/<id> -Secret whsec_...
#>
param(
    [string[]]$Services = @(),
    [string]$SwitchboardUrl = '',
    [string]$Secret = '',
    [string]$Client = ''
)

$ErrorActionPreference = 'Stop'
$CheckName = 'Test-CriticalServices'
$Usage = 'Usage: Test-CriticalServices.ps1 -Services <name,name> [-SwitchboardUrl <webhook url> -Secret <secret> [-Client <name>]]'

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
        $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey(
            [Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
        $tcpip = $base.OpenSubKey('SYSTEM\CurrentControlSet\Services\Tcpip\Parameters')
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
    [Console]::Error.WriteLine("${CheckName}: unexpected $($args -join ' ') (separate service names with commas). $Usage")
    exit 4
}
# "-Services A,B" reaches a script run with -File as the one string "A,B".
$names = @($Services | ForEach-Object { "$_" -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })
if ($names.Count -eq 0) {
    [Console]::Error.WriteLine("${CheckName}: name at least one service. $Usage")
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
$results = New-Object System.Collections.Generic.List[object]
foreach ($name in $names) {
    # Escaped: a service name is a name, not a wildcard pattern.
    $service = Get-Service -Name ([Management.Automation.WildcardPattern]::Escape($name)) -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if ($service) {
        $state = [string]$service.Status
        $results.Add([pscustomobject]@{ Name = [string]$service.Name; State = $state; Up = ($state -eq 'Running') })
    } else {
        $results.Add([pscustomobject]@{ Name = $name; State = 'not installed'; Up = $false })
    }
}

$down = @($results | Where-Object { -not $_.Up })
$exitCode = 0
if ($down.Count -gt 0) {
    $line = 'Not running: ' + (($down | ForEach-Object { '{0} ({1})' -f $_.Name, $_.State }) -join ', ')
    $exitCode = 2
} else {
    $line = 'All running: ' + (($results | ForEach-Object { $_.Name }) -join ', ')
}

# --- tell Switchboard --------------------------------------------------------------------------
$posted = $null
$postLine = ''
if ($SwitchboardUrl) {
    $identity = Get-DeviceIdentity
    $now = Format-UtcTime ([datetime]::UtcNow)
    $events = foreach ($result in $results) {
        $kind = 'service.down'
        $message = '{0}: {1} is {2}' -f $CheckName, $result.Name, $result.State
        if ($result.Up) { $kind = 'service.up' }
        $serviceEvent = [ordered]@{
            eventId    = '{0}|{1}|{2}|{3}|{4}' -f $identity.hostname, $CheckName, $kind, $result.Name, $now
            kind       = $kind
            occurredAt = $now
        }
        if ($Client) { $serviceEvent['client'] = $Client }
        $serviceEvent['device'] = $identity
        $serviceEvent['service'] = [ordered]@{ name = $result.Name }
        $serviceEvent['check'] = [ordered]@{ name = $CheckName }
        $serviceEvent['origin'] = 'verification'
        $serviceEvent['message'] = $message
        $serviceEvent
    }
    $post = Send-SwitchboardEvent -Url $SwitchboardUrl -Token $Secret -Events @($events)
    $posted = [bool]$post.Ok
    if ($posted) {
        $postLine = "Switchboard: $($post.Detail)"
    } else {
        [Console]::Error.WriteLine("${CheckName}: $($post.Detail)")
        $exitCode = 3
    }
}

$report = [ordered]@{
    switchboard = 'critical-services'
    version     = 1
    ok          = ($down.Count -eq 0)
    services    = @($results | ForEach-Object { [ordered]@{ name = $_.Name; state = $_.State; up = $_.Up } })
}
if ($null -ne $posted) { $report['posted'] = $posted }
$report['exitCode'] = $exitCode

Write-Output $line
if ($postLine) { Write-Output $postLine }
Write-Output ($report | ConvertTo-Json -Compress -Depth 4)
exit $exitCode
