#!/usr/bin/perl
# Creates, through RT's own Perl API, what the Switchboard connector needs on a fresh RT 5:
# the incident queue, the key custom field applied to it, and (unless RT_TOKEN_OK=1) an API
# token for root. Idempotent: existing objects are reused. Prints KEY=value lines on stdout.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT;
RT::LoadConfig();
RT::Init();

my $queue_name = $ENV{RT_QUEUE} // 'Switchboard';
my $cf_name    = $ENV{RT_KEY_FIELD} // 'SwitchboardIncident';

my $root = RT::CurrentUser->new(RT->SystemUser);
$root->Load('root') or die "no root user\n";

my $queue = RT::Queue->new($root);
$queue->Load($queue_name);
unless ($queue->Id) {
    my ($id, $msg) = $queue->Create(Name => $queue_name, Description => 'Incidents opened by Switchboard');
    die "queue: $msg\n" unless $id;
    print STDERR "[rt-bootstrap] created queue $queue_name ($id)\n";
}

my $cf = RT::CustomField->new($root);
$cf->LoadByName(Name => $cf_name, LookupType => RT::Ticket->CustomFieldLookupType);
unless ($cf->Id) {
    my ($id, $msg) = $cf->Create(
        Name        => $cf_name,
        Type        => 'FreeformSingle',
        LookupType  => RT::Ticket->CustomFieldLookupType,
        Description => 'Switchboard incident key (written by the connector, searched before creating)',
    );
    die "custom field: $msg\n" unless $id;
    print STDERR "[rt-bootstrap] created custom field $cf_name ($id)\n";
}
unless ($cf->IsAdded($queue->Id)) {
    my ($ok, $msg) = $cf->AddToObject($queue);
    die "apply custom field: $msg\n" unless $ok;
    print STDERR "[rt-bootstrap] applied $cf_name to $queue_name\n";
}

print "RT_QUEUE=$queue_name\n";
print "RT_KEY_FIELD=$cf_name\n";
print "RT_KEY_FIELD_ID=" . $cf->Id . "\n";

unless (($ENV{RT_TOKEN_OK} // '') eq '1') {
    my $token = RT::AuthToken->new($root);
    my ($id, $msg, $authstring) = $token->Create(Owner => $root->Id, Description => 'switchboard real tests');
    die "token: $msg\n" unless $id;
    print STDERR "[rt-bootstrap] created auth token $id for root\n";
    print "RT_TOKEN=$authstring\n";
}
