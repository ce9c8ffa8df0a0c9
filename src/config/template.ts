// The commented config file `abusedesk init` writes. Every key shows its default;
// a test checks that this text parses and validates.
export const CONFIG_TEMPLATE = `# abusedesk configuration (YAML). Every key is optional; the values shown are the defaults.
# Environment overrides: ABUSEDESK_CONFIG, ABUSEDESK_DB, ABUSEDESK_IMAP_URL, ABUSEDESK_SMTP_URL.

# database: ~/.local/share/abusedesk/abusedesk.db   # relative paths are relative to this file

imap:
  # The mailbox Fail2Ban reports arrive in: imap[s]://user:password@host:port/Mailbox
  # url: imaps://fail2ban:secret@mail.example.net:993/INBOX
  archiveMailbox: Archive      # used and old mails are moved here (created when missing)
  insecureTls: false           # accept a self-signed certificate (only for your own server)
  batchSize: 500               # mails per fetch batch (one database transaction each)
  connectTimeoutMs: 15000

smtp:
  # Where complaints are sent: smtp[s]://user:password@host:port
  # url: smtps://abuse:secret@mail.example.net:465
  # outboxDir: ./outbox        # write each complaint as an .eml file instead of sending
  insecureTls: false
  timeoutMs: 30000

operator:
  organisation: abusedesk operator     # who is reporting, as shown in complaints
  from: "abusedesk <abuse@localhost>"  # From: of complaints
  # replyTo: abuse-replies@example.net # a monitored address recipients can answer
  cc: []
  bcc: []
  domain: localhost                    # Message-IDs and X-ARF Report-IDs are on this domain
  timezone: UTC                        # shown next to log times, e.g. Europe/Berlin
  ownNetworks: []                      # your ranges: never reported, e.g. [203.0.113.0/24, 2001:db8:1::/48]
  ownHostnames: []                     # your host names: redacted from complaints

# Who may send reports: addresses, domains (and their subdomains) or reporting host names.
# Empty: every sender is trusted.
trustedReporters: []

policy:
  minReports: 3                  # a candidate is eligible with this many reports ...
  windowDays: 7                  # ... within this many days,
  minReporters: 2                # or with reports from this many reporting hosts
  maxComplaintsPerIpPerDay: 4
  maxComplaintsPerRecipientPerDay: 20
  allowList: []                  # addresses or ranges never reported
  archiveAfterDays: 7            # mails older than this move to the archive mailbox

lookup:
  offline: false                 # only overrides, the cache and offlineContactsFile
  # offlineContactsFile: ./contacts.json
  rdap:
    enabled: true
    # bootstrapDir: ./rdap-bootstrap   # IANA ipv4.json / ipv6.json instead of the shipped snapshot
    baseUrlMap: {}                     # replace RDAP base URLs, e.g. for a proxy
    # baseUrl: http://127.0.0.1:8080/  # one RDAP server for every address
    bootstrapUrl: https://data.iana.org/rdap/   # fresh ipv4.json/ipv6.json come from here
    bootstrapRefreshDays: 30           # refresh the kept copy when older; 0 = always the shipped snapshot
  whois:
    enabled: true
    server: whois.iana.org       # where referrals start
    serverMap: {}                # replace whois hosts, e.g. { whois.ripe.net: "127.0.0.1:4301" }
    maxReferrals: 3
  timeoutMs: 10000
  minGapMs: 1000                 # at least this long between two requests to one registry
  serverGapMs:                   # per-server gaps that differ from minGapMs
    whois.lacnic.net: 6000       # LACNIC allows about 10 queries a minute
  backoffMs: 60000              # pause after an error or rate limit; doubles per further error
  maxBackoffMs: 3600000
  cacheDays: 7
  negativeCacheMinutes: 60
  maxAnswerBytes: 1048576

complaint:
  # template: ./complaint.hbs    # Handlebars template for the text; the shipped one when unset
  maxLogLinesPerHost: 20
  redactOwnHosts: true
  redactPatterns: []             # regular expressions replaced by <X> in evidence
  combinePerRecipient: false     # one mail for several IPs of one recipient
  # testRecipient: you@example.net   # test mode: every complaint goes here instead
  tlp: green

auto:
  approve: confident             # what --auto approves itself: confident | none
  send: true
  archive: true
`;
