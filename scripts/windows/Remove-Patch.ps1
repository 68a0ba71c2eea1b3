#Requires -Version 5.1
<#
.SYNOPSIS
    Removes one Windows update, named by its KB number, with DISM: Switchboard's rollback script.

.DESCRIPTION
    Run by an RMM (NinjaOne, ConnectWise Automate) as SYSTEM on the device whose update is to go.
    Prints what it does, then exactly one JSON line as its last line of output, which Switchboard
    reads back from the RMM (scripts/README.md, "Remove-Patch.ps1 report").

    How the package that carries the KB is found:
      1. The servicing packages are listed with Get-WindowsPackage -Online or, where the DISM
         PowerShell module is missing or fails, with
         "dism.exe /English /Online /Get-Packages /Format:Table". Only packages in the state
         Installed, Install Pending or Uninstall Pending count; a Superseded or Staged package
         is not in effect.
      2. A package carries the KB when
           - its name holds it (Package_for_KB5034441~31bf3856ad364e35~amd64~~10.0.1.2), or
           - its manifest, %windir%\servicing\Packages\<package name>.mum, declares it as the
             package identifier (identifier="KB5034441"): this is how a cumulative update
             (Package_for_RollupFix~...) or a servicing stack update
             (Package_for_ServicingStack_...~...) carries its KB, or
           - for an update package (Package_for_...) whose manifest cannot be read, DISM's package
             information (Get-WindowsPackage -Online -PackageName, else
             "dism.exe /Online /Get-PackageInfo /PackageName:<name>") names the KB in its
             description or support link.
      3. When no package carries it, Get-HotFix tells "not installed" (exit 10) from "Windows
         lists the KB, but as no servicing package" (exit 1: this script cannot remove it).

    Each package found is then looked at before anything is removed:
      - a servicing stack update (its name holds "ServicingStack", or its DISM description or
        name says "Servicing Stack") is refused: exit 21;
      - a permanent package (its manifest says permanence="permanent") is refused: exit 20.
        DISM's own refusal of a permanent package (0x800F0825, CBS_E_CANNOT_UNINSTALL) is
        reported the same way.
      A KB delivered as a servicing stack and a cumulative update together has its cumulative
      update removed; the servicing stack stays, as Windows requires.
    A package already in Uninstall Pending (removed, waiting for a reboot) is reported as removed
    with exit 3010 and DISM is not run again, so running the script twice is harmless.

    The removal is "DISM /Online /Remove-Package /PackageName:<name> /Quiet /NoRestart". It never
    uses wusa.exe /uninstall: that cannot remove a cumulative update delivered together with its
    servicing stack, and its quiet mode reports nothing the script could check.

    Exit codes (also the report's exitCode):
       0     removed
       3010  removed, a reboot finishes the removal (-Reboot: the restart is scheduled)
       10    not installed: no installed servicing package carries the KB
       20    refused: a permanent package
       21    refused: a servicing stack update
       1     failed (DISM's exit code is in the message)
       2     bad arguments

.PARAMETER KB
    The update: 5034441 or KB5034441.

.PARAMETER Reboot
    When the removal needs a reboot, restart the device 60 seconds later
    (shutdown.exe /r /t 60) and report rebooting: true.

.EXAMPLE
    Remove-Patch.ps1 -KB 5034441

.EXAMPLE
    Remove-Patch.ps1 -KB KB5034441 -Reboot
#>
param(
    [string]$KB = '',
    [switch]$Reboot
)

$ErrorActionPreference = 'Stop'

# 0x800F0825, CBS_E_CANNOT_UNINSTALL: DISM's exit code for a package that cannot be removed.
$CbsCannotUninstall = -2146498523
$InEffect = @('Installed', 'InstallPending', 'UninstallPending')

function Complete {
    <# Prints the report line, the script's last output, and ends the script with its exit code. #>
    param(
        [string]$KbId,
        [string]$Outcome,
        [int]$ExitCode,
        [string]$PackageName = '',
        [bool]$RebootRequired = $false,
        [bool]$Rebooting = $false,
        [string]$Message
    )
    $report = [ordered]@{
        switchboard = 'remove-patch'
        version     = 1
        kb          = $KbId
        outcome     = $Outcome
        exitCode    = $ExitCode
    }
    if ($PackageName) { $report['packageName'] = $PackageName }
    $report['rebootRequired'] = $RebootRequired
    $report['rebooting'] = $Rebooting
    $report['message'] = $Message
    Write-Output ($report | ConvertTo-Json -Compress)
    exit $ExitCode
}

function Get-SystemTool {
    <# The 64-bit tool even from 32-bit PowerShell, which would otherwise get the 32-bit copy. #>
    param([string]$Name)
    $folder = 'System32'
    if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess) {
        $folder = 'Sysnative'
    }
    return (Join-Path (Join-Path $env:SystemRoot $folder) $Name)
}

function Invoke-Native {
    <# Runs a program, its output as text lines; stderr does not stop the script. #>
    param([string]$FilePath, [string[]]$ArgumentList)
    $ErrorActionPreference = 'Continue'
    $lines = @(& $FilePath @ArgumentList 2>&1 | ForEach-Object { "$_" })
    return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $lines }
}

function Get-ServicingPackage {
    <# Every servicing package: Name and State (Installed, InstallPending, UninstallPending, ...). #>
    if (Get-Command -Name Get-WindowsPackage -ErrorAction SilentlyContinue) {
        try {
            return @(Get-WindowsPackage -Online | ForEach-Object {
                    [pscustomobject]@{ Name = [string]$_.PackageName; State = [string]$_.PackageState }
                })
        } catch {
            Write-Host "Get-WindowsPackage failed ($($_.Exception.Message)); asking dism.exe."
        }
    }
    $run = Invoke-Native -FilePath (Get-SystemTool 'dism.exe') -ArgumentList @(
        '/English', '/Online', '/Get-Packages', '/Format:Table')
    if ($run.ExitCode -ne 0) {
        throw "dism.exe /Get-Packages failed with exit code $($run.ExitCode): $($run.Output -join ' ')"
    }
    # "Package_for_KB5034441~31bf3856ad364e35~amd64~~10.0.1.2 | Installed | Security Update | ..."
    foreach ($line in $run.Output) {
        $cells = $line -split '\|'
        if ($cells.Count -lt 2) { continue }
        $name = $cells[0].Trim()
        # The header and the dashes under it hold no package identity (name~key~arch~~version).
        if ($name -notlike '*~*') { continue }
        [pscustomobject]@{ Name = $name; State = ($cells[1] -replace '\s', '') }
    }
}

function Get-PackageDetail {
    <# DISM's information about one package: Description, DisplayName, ReleaseType, SupportInformation. #>
    param([string]$Name)
    $detail = @{ Description = ''; DisplayName = ''; ReleaseType = ''; SupportInformation = '' }
    if (Get-Command -Name Get-WindowsPackage -ErrorAction SilentlyContinue) {
        try {
            $info = Get-WindowsPackage -Online -PackageName $Name
            $detail.Description = [string]$info.Description
            $detail.DisplayName = [string]$info.DisplayName
            $detail.ReleaseType = [string]$info.ReleaseType
            $detail.SupportInformation = [string]$info.SupportInformation
            return $detail
        } catch {
            Write-Verbose "Get-WindowsPackage -PackageName $Name failed: $($_.Exception.Message)"
        }
    }
    $run = Invoke-Native -FilePath (Get-SystemTool 'dism.exe') -ArgumentList @(
        '/English', '/Online', '/Get-PackageInfo', "/PackageName:$Name")
    foreach ($line in $run.Output) {
        if ($line -match '^\s*([^:]+?)\s*:\s*(.*)$') {
            switch ($Matches[1]) {
                'Description' { $detail.Description = $Matches[2] }
                'Name' { $detail.DisplayName = $Matches[2] }
                'Release Type' { $detail.ReleaseType = $Matches[2] }
                'Support Information' { $detail.SupportInformation = $Matches[2] }
            }
        }
    }
    return $detail
}

function Get-PackageManifest {
    <# The package's manifest (.mum) as text, or '' when there is none to read. #>
    param([string]$Name)
    $path = Join-Path $env:SystemRoot "servicing\Packages\$Name.mum"
    try {
        if (Test-Path -LiteralPath $path) { return [IO.File]::ReadAllText($path) }
    } catch {
        Write-Verbose "cannot read $path`: $($_.Exception.Message)"
    }
    return ''
}

function Test-HotFixListed {
    param([string]$Id)
    try {
        return [bool](Get-HotFix -Id $Id -ErrorAction SilentlyContinue)
    } catch {
        return $false
    }
}

function Format-ExitCode {
    param([int]$Code)
    return ('{0} (0x{0:X8})' -f $Code)
}

function Complete-Removal {
    <# Removed: schedules the restart when asked and needed, then reports. #>
    param([string]$KbId, [string]$PackageName, [bool]$RebootRequired, [string]$Message)
    $rebooting = $false
    if ($RebootRequired -and $Reboot) {
        $run = Invoke-Native -FilePath (Get-SystemTool 'shutdown.exe') -ArgumentList @(
            '/r', '/t', '60', '/c', "Switchboard: rollback of $KbId")
        if ($run.ExitCode -eq 0) {
            $rebooting = $true
            $Message += ' Restarting in 60 seconds to finish it.'
        } else {
            $Message += " The restart could not be scheduled (shutdown.exe exit code $($run.ExitCode))."
        }
    }
    $code = 0
    if ($RebootRequired) { $code = 3010 }
    Complete -KbId $KbId -Outcome 'removed' -ExitCode $code -PackageName $PackageName `
        -RebootRequired $RebootRequired -Rebooting $rebooting -Message $Message
}

# --- arguments -------------------------------------------------------------------------------
$given = "$KB".Trim()
$kbNumber = ''
if ($given -match '^(?:KB)?([0-9]{4,8})$') { $kbNumber = $Matches[1] }
if (-not $kbNumber) {
    $shown = $given
    if ($shown.Length -gt 40) { $shown = $shown.Substring(0, 40) }
    Write-Output 'Usage: Remove-Patch.ps1 -KB <number> [-Reboot]'
    Complete -KbId $shown -Outcome 'failed' -ExitCode 2 `
        -Message "Bad arguments: -KB must be a KB number such as 5034441 or KB5034441, not '$shown'."
}
$kbId = "KB$kbNumber"
if ($args.Count -gt 0) {
    Write-Output 'Usage: Remove-Patch.ps1 -KB <number> [-Reboot]'
    Complete -KbId $kbId -Outcome 'failed' -ExitCode 2 `
        -Message "Bad arguments: unexpected $($args -join ' '); the script takes -KB and -Reboot."
}

try {
    $principal = New-Object Security.Principal.WindowsPrincipal ([Security.Principal.WindowsIdentity]::GetCurrent())
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        Complete -KbId $kbId -Outcome 'failed' -ExitCode 1 `
            -Message "Cannot remove $kbId`: the script must run as SYSTEM or an administrator."
    }

    # --- find the packages that carry the KB --------------------------------------------------
    Write-Output "Looking for the servicing package that carries $kbId."
    $packages = @(Get-ServicingPackage | Where-Object { $InEffect -contains $_.State })
    $carriers = New-Object System.Collections.Generic.List[object]
    foreach ($package in $packages) {
        $manifest = Get-PackageManifest -Name $package.Name
        $found = ($package.Name -match "(^|[^0-9])KB$kbNumber([^0-9]|$)") -or
            ($manifest -match ('identifier\s*=\s*"KB' + $kbNumber + '"'))
        if (-not $found -and -not $manifest -and $package.Name -like 'Package_for_*') {
            $detail = Get-PackageDetail -Name $package.Name
            $found = "$($detail.Description) $($detail.SupportInformation)" -match "(?<![0-9])$kbNumber(?![0-9])"
        }
        if ($found) {
            $carriers.Add([pscustomobject]@{ Name = $package.Name; State = $package.State; Manifest = $manifest })
        }
    }

    if ($carriers.Count -eq 0) {
        if (Test-HotFixListed -Id $kbId) {
            Complete -KbId $kbId -Outcome 'failed' -ExitCode 1 `
                -Message "Windows lists $kbId as installed, but no servicing package carries it, so DISM cannot remove it; remove it by hand."
        }
        Complete -KbId $kbId -Outcome 'not-installed' -ExitCode 10 `
            -Message "$kbId is not installed: no installed servicing package carries it."
    }

    # --- look at each before removing anything ------------------------------------------------
    $removable = New-Object System.Collections.Generic.List[object]
    $pending = New-Object System.Collections.Generic.List[object]
    $servicingStack = $null
    $permanent = $null
    foreach ($carrier in $carriers) {
        $detail = Get-PackageDetail -Name $carrier.Name
        Write-Output ("Found {0} ({1}, {2})." -f $carrier.Name, $carrier.State, $detail.ReleaseType)
        $isServicingStack = ($carrier.Name -match 'ServicingStack') -or
            ("$($detail.Description) $($detail.DisplayName)" -match 'Servicing Stack')
        $isPermanent = $carrier.Manifest -match 'permanen(ce|cy)\s*=\s*"permanent"'
        if ($carrier.State -eq 'UninstallPending') {
            $pending.Add($carrier)
        } elseif ($isServicingStack) {
            if (-not $servicingStack) { $servicingStack = $carrier }
        } elseif ($isPermanent) {
            if (-not $permanent) { $permanent = $carrier }
        } else {
            $removable.Add($carrier)
        }
    }

    if ($removable.Count -eq 0 -and $pending.Count -gt 0) {
        $name = $pending[0].Name
        Complete-Removal -KbId $kbId -PackageName $name -RebootRequired $true `
            -Message "$kbId ($name) is already removed; a reboot finishes the removal."
    }
    if ($removable.Count -eq 0 -and $servicingStack) {
        Complete -KbId $kbId -Outcome 'refused' -ExitCode 21 -PackageName $servicingStack.Name `
            -Message "Refused: $kbId ($($servicingStack.Name)) is a servicing stack update, which Windows needs to install updates and which is not removed."
    }
    if ($removable.Count -eq 0) {
        Complete -KbId $kbId -Outcome 'refused' -ExitCode 20 -PackageName $permanent.Name `
            -Message "Refused: $kbId ($($permanent.Name)) is a permanent package, which Windows does not allow to be removed."
    }

    # --- remove ---------------------------------------------------------------------------------
    $rebootRequired = $pending.Count -gt 0
    $removed = New-Object System.Collections.Generic.List[string]
    foreach ($carrier in $removable) {
        Write-Output "Removing $($carrier.Name) with DISM."
        $run = Invoke-Native -FilePath (Get-SystemTool 'dism.exe') -ArgumentList @(
            '/Online', '/Remove-Package', "/PackageName:$($carrier.Name)", '/Quiet', '/NoRestart')
        $code = [int]$run.ExitCode
        if ($code -eq 3010) {
            $rebootRequired = $true
        } elseif ($code -eq $CbsCannotUninstall) {
            Complete -KbId $kbId -Outcome 'refused' -ExitCode 20 -PackageName $carrier.Name `
                -Message "Refused: DISM cannot remove $kbId ($($carrier.Name)), a permanent package (exit code $(Format-ExitCode $code))."
        } elseif ($code -ne 0) {
            $run.Output | Select-Object -Last 5 | ForEach-Object { Write-Output "DISM: $_" }
            Complete -KbId $kbId -Outcome 'failed' -ExitCode 1 -PackageName $carrier.Name `
                -Message "DISM could not remove $kbId ($($carrier.Name)): exit code $(Format-ExitCode $code)."
        }
        $removed.Add($carrier.Name)
    }

    $names = $removed -join ', '
    $message = "Removed $kbId ($names)."
    if ($rebootRequired) { $message = "Removed $kbId ($names); a reboot finishes the removal." }
    if ($servicingStack) { $message += " Its servicing stack update ($($servicingStack.Name)) stays." }
    Complete-Removal -KbId $kbId -PackageName $names -RebootRequired $rebootRequired -Message $message
} catch {
    Complete -KbId $kbId -Outcome 'failed' -ExitCode 1 `
        -Message "Could not remove $kbId`: $($_.Exception.Message -replace '\s+', ' ')"
}
