package aws

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Paste to jump: a query that is an ARN, an account id or an AWS console
// URL, as people paste them from chat, names an account (whose roles the
// picker and `ssopick list` show) and, for the console, a region, a
// service and a page.

// Pasted is what a pasted ARN, account id or console URL names.
type Pasted struct {
	// AccountID is the account, 12 digits; "" when the paste names none
	// (an S3 bucket's ARN, a plain console URL).
	AccountID string
	// Region is the resource's region; "" for global resources (IAM, S3
	// buckets) and for pastes that name none.
	Region string
	// Service is the console's name for the service (the first part of
	// its path: lambda, s3, cloudwatch, …); "" when the paste names none.
	Service string
	// Destination is the console page to open: the resource's own page
	// where deepLinks knows its shape, else the service's home in the
	// region, or a pasted console URL itself; "" when there is none.
	Destination string
}

// ForConsole reports whether p says anything about where the console
// should open.
func (p Pasted) ForConsole() bool { return p.Region != "" || p.Service != "" || p.Destination != "" }

// maxPaste bounds what is parsed: ARNs are at most 2048 characters, and
// console URLs seldom longer.
const maxPaste = 4096

var (
	accountIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:[0-9]{12}|[0-9]{4}-[0-9]{4}-[0-9]{4})$`) })
	partitionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^aws(?:-[a-z]+)*$`) })
	// A multi-session console host starts with the account and a
	// session suffix: 123456789012-abcdefg.eu-west-1.console.aws.amazon.com.
	multiSessionLabel = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]{12})-[a-z0-9]+$`) })
)

// ParsePaste reads s (one word of a query) as a pasted account id
// (123456789012 or 1234-5678-9012), ARN (arn:PARTITION:SERVICE:REGION:
// ACCOUNT:RESOURCE) or console URL (https://eu-west-1.console.aws.amazon.com/…,
// the multi-session form https://123456789012-abcdefg.eu-west-1.console.aws.amazon.com/…,
// a URL without its scheme, or an access portal shortcut link with
// account_id). ok is false for anything else, URLs on other hosts
// included.
func ParsePaste(s string) (p Pasted, ok bool) {
	// Chat programs wrap links in <…>, and people quote.
	s = strings.Trim(strings.TrimSpace(s), "<>\"'`")
	if s == "" || len(s) > maxPaste || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return Pasted{}, false
	}
	switch {
	case accountIDPattern().MatchString(s):
		return Pasted{AccountID: strings.ReplaceAll(s, "-", "")}, true
	case strings.HasPrefix(s, "arn:"):
		return parseARN(s)
	}
	return parseConsoleURL(s)
}

// parseARN reads arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE; the
// resource may hold colons of its own.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
func parseARN(s string) (Pasted, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 {
		return Pasted{}, false
	}
	partition, service, region, account, resource := parts[1], parts[2], parts[3], parts[4], parts[5]
	switch {
	case !partitionPattern().MatchString(partition), !servicePattern().MatchString(service), resource == "",
		region != "" && ValidateRegion(region) != nil:
		return Pasted{}, false
	case account == "aws": // AWS managed policies: arn:aws:iam::aws:policy/…
		account = ""
	case account != "" && !isAccountID(account):
		return Pasted{}, false
	}
	p := Pasted{AccountID: account, Region: region, Service: consoleService(service)}
	base, ok := consoleBase(partition, region)
	if !ok {
		return p, true // an account to jump to; no console page to trust
	}
	if link, ok := deepLink(base, partition, service, region, account, resource, s); ok {
		p.Destination = link
	} else if region != "" {
		p.Destination, _ = ConsoleDestination(region, p.Service, "")
	} else {
		p.Destination = base + "/" + p.Service + "/home"
	}
	return p, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// partitionRegions name one region of each partition, to ask PartitionOf
// for the partition's console host.
var partitionRegions = map[string]string{
	"aws":        "us-east-1",
	"aws-cn":     "cn-north-1",
	"aws-us-gov": "us-gov-west-1",
	"aws-eusc":   "eusc-de-east-1",
	"aws-iso":    "us-iso-east-1",
	"aws-iso-b":  "us-isob-east-1",
	"aws-iso-e":  "eu-isoe-west-1",
	"aws-iso-f":  "us-isof-south-1",
}

// partitionConsoleHost is partition's console host, as PartitionOf knows
// it; "" when PartitionOf knows none or does not tell it from the
// commercial one.
func partitionConsoleHost(partition string) string { return consoleHostsByPartition()[partition] }

// consoleHostsByPartition asks PartitionOf once: it resolves through the
// SDK, and a query is parsed at every keystroke.
var consoleHostsByPartition = sync.OnceValue(func() map[string]string {
	hosts := map[string]string{}
	commercial := PartitionOf(partitionRegions["aws"]).ConsoleHost
	for partition, region := range partitionRegions {
		if host := PartitionOf(region).ConsoleHost; host != "" && (partition == "aws" || host != commercial) {
			hosts[partition] = host
		}
	}
	return hosts
})

// consoleBase is the scheme and host of the console for a resource of
// partition in region (the console's regional host where it has one), or
// of the partition's global host for a resource without region. ok is
// false when the partition is unknown or the region is not in it.
func consoleBase(partition, region string) (string, bool) {
	host := partitionConsoleHost(partition)
	if host == "" {
		return "", false
	}
	if region == "" {
		return "https://" + host, true
	}
	home, err := url.Parse(ConsoleHome(region))
	if err != nil || home.Host != host && !strings.HasSuffix(home.Host, "."+host) {
		return "", false // arn:aws:…:cn-north-1:…, say
	}
	return "https://" + home.Host, true
}

// consoleServices are the ARN service namespaces whose console lives
// under another name; the others are the same.
var consoleServices = map[string]string{
	"logs":                 "cloudwatch",
	"dynamodb":             "dynamodbv2",
	"elasticloadbalancing": "ec2",
	"autoscaling":          "ec2",
	"ssm":                  "systems-manager",
	"es":                   "aos",
}

func consoleService(namespace string) string {
	if s, ok := consoleServices[namespace]; ok {
		return s
	}
	return namespace
}

// deepLinks build a resource's console page from its ARN's resource part.
// The URL shapes are the ones the console shows in the address bar on the
// resource's page (checked against the aws_console_url project,
// github.com/MacHu-GWU/aws_console_url-project, aws_console_url/srv/*.py,
// and common practice for Lambda and CloudWatch Logs); a resource of
// another shape gets the service's home page instead.
var deepLinks = map[string]func(l link) (string, bool){
	// arn:aws:lambda:R:A:function:NAME[:QUALIFIER]
	"lambda": func(l link) (string, bool) {
		name, ok := l.cut("function:")
		name, _, _ = strings.Cut(name, ":")
		return l.regional("/lambda/home", "#/functions/"+url.PathEscape(name)), ok && name != ""
	},
	// arn:aws:s3:::BUCKET[/KEY] → …/s3/buckets/BUCKET or …/s3/object/BUCKET?prefix=KEY
	"s3": func(l link) (string, bool) {
		bucket, key, _ := strings.Cut(l.resource, "/")
		if !bucketPattern().MatchString(bucket) || l.region != "" || l.account != "" {
			return "", false // access points and others: the S3 home
		}
		base := l.base
		if base == "https://console.aws.amazon.com" {
			base = "https://s3.console.aws.amazon.com"
		}
		if key == "" {
			return base + "/s3/buckets/" + bucket, true
		}
		return base + "/s3/object/" + bucket + "?prefix=" + url.QueryEscape(key), true
	},
	// arn:aws:ec2:R:A:instance/i-… → #InstanceDetails:instanceId=i-…
	"ec2": func(l link) (string, bool) {
		id, ok := l.cut("instance/")
		ok = ok && instancePattern().MatchString(id)
		return l.regional("/ec2/home", "#InstanceDetails:instanceId="+id), ok
	},
	// arn:aws:iam::A:role/PATH/NAME → /iam/home#/roles/details/NAME (also users)
	"iam": func(l link) (string, bool) {
		for _, kind := range []string{"role", "user"} {
			if rest, ok := l.cut(kind + "/"); ok {
				name := rest[strings.LastIndexByte(rest, '/')+1:]
				return l.base + "/iam/home#/" + kind + "s/details/" + url.PathEscape(name), name != ""
			}
		}
		return "", false
	},
	// arn:aws:cloudformation:R:A:stack/NAME/ID → #/stacks/stackinfo?stackId=ARN
	"cloudformation": func(l link) (string, bool) {
		_, ok := l.cut("stack/")
		return l.regional("/cloudformation/home", "#/stacks/stackinfo?stackId="+url.QueryEscape(l.arn)), ok
	},
	// arn:aws:ecs:R:A:cluster/NAME → /ecs/v2/clusters/NAME/services
	"ecs": func(l link) (string, bool) {
		name, ok := l.cut("cluster/")
		if !ok || name == "" || strings.Contains(name, "/") || l.region == "" {
			return "", false
		}
		return l.base + "/ecs/v2/clusters/" + url.PathEscape(name) + "/services?region=" + l.region, true
	},
	// arn:aws:dynamodb:R:A:table/NAME[/stream/…] → /dynamodbv2/home#table?name=NAME
	"dynamodb": func(l link) (string, bool) {
		name, ok := l.cut("table/")
		name, _, _ = strings.Cut(name, "/")
		return l.regional("/dynamodbv2/home", "#table?name="+url.QueryEscape(name)), ok && name != ""
	},
	// arn:aws:sqs:R:A:NAME → /sqs/v3/home#/queues/<the queue's URL, escaped>
	"sqs": func(l link) (string, bool) {
		if l.partition != "aws" || l.account == "" || strings.ContainsAny(l.resource, "/:") {
			return "", false // queue URLs of other partitions have other hosts
		}
		queue := "https://sqs." + l.region + ".amazonaws.com/" + l.account + "/" + l.resource
		return l.regional("/sqs/v3/home", "#/queues/"+url.QueryEscape(queue)), true
	},
	// arn:aws:logs:R:A:log-group:NAME[:*] → #logsV2:log-groups/log-group/NAME,
	// the name escaped twice with % written $.
	"logs": func(l link) (string, bool) {
		name, ok := l.cut("log-group:")
		name, _, _ = strings.Cut(name, ":")
		escaped := strings.ReplaceAll(url.QueryEscape(url.QueryEscape(name)), "%", "$")
		return l.regional("/cloudwatch/home", "#logsV2:log-groups/log-group/"+escaped), ok && name != ""
	},
}

var (
	bucketPattern   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`) })
	instancePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^i-[0-9a-f]{8,17}$`) })
)

// link is an ARN taken apart for deepLinks.
type link struct {
	base, partition, region, account, resource, arn string
}

// cut is the resource after prefix, and whether it starts with it.
func (l link) cut(prefix string) (string, bool) { return strings.CutPrefix(l.resource, prefix) }

// regional is a page of a regional service: base + path + ?region= +
// fragment. ok-ness is the caller's; without a region there is no page.
func (l link) regional(path, fragment string) string {
	if l.region == "" {
		return ""
	}
	return l.base + path + "?region=" + l.region + fragment
}

// deepLink is the resource's own console page, if deepLinks knows it.
func deepLink(base, partition, service, region, account, resource, arn string) (string, bool) {
	build, ok := deepLinks[service]
	if !ok {
		return "", false
	}
	u, ok := build(link{base: base, partition: partition, region: region, account: account, resource: resource, arn: arn})
	return u, ok && u != ""
}

// parseConsoleURL reads a console URL of any partition, with or without
// https://, or an access portal shortcut link naming an account.
func parseConsoleURL(s string) (Pasted, bool) {
	raw := s
	if !strings.Contains(s, "://") {
		raw = "https://" + s
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.User != nil || u.Port() != "" || u.Host == "" {
		return Pasted{}, false
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasSuffix(host, ".awsapps.com") || strings.HasSuffix(host, ".awsapps.cn") {
		return parsePortalURL(u)
	}
	consoleHost := ""
	for _, h := range consoleHostsByPartition() {
		if len(h) > len(consoleHost) && (host == h || strings.HasSuffix(host, "."+h)) {
			consoleHost = h
		}
	}
	if consoleHost == "" {
		return Pasted{}, false
	}
	var p Pasted
	var labels []string
	for _, label := range strings.Split(strings.TrimSuffix(host, consoleHost), ".") {
		switch m := multiSessionLabel().FindStringSubmatch(label); {
		case label == "":
		case !servicePattern().MatchString(label):
			return Pasted{}, false // not a host name browsers read as ours
		case m != nil:
			// The multi-session host belongs to the browser session
			// that made it; the page is the same on the plain host.
			p.AccountID = m[1]
		case ValidateRegion(label) == nil && p.Region == "":
			p.Region = label
			labels = append(labels, label)
		default:
			labels = append(labels, label)
		}
	}
	if q := u.Query().Get("region"); p.Region == "" && ValidateRegion(q) == nil {
		p.Region = q
	}
	if first, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/"); first != "console" && servicePattern().MatchString(first) {
		p.Service = first
	}
	u.Scheme, u.Host = "https", strings.Join(append(labels, consoleHost), ".")
	p.Destination = u.String()
	return p, true
}

// parsePortalURL reads an access portal shortcut link,
// https://d-1234567890.awsapps.com/start/#/console?account_id=…&role_name=…&destination=…:
// its account, and its destination when that is a console URL.
func parsePortalURL(u *url.URL) (Pasted, bool) {
	_, query, _ := strings.Cut(u.Fragment, "?")
	q, err := url.ParseQuery(query)
	if err != nil || !isAccountID(q.Get("account_id")) {
		return Pasted{}, false
	}
	p := Pasted{AccountID: q.Get("account_id")}
	if dest := q.Get("destination"); dest != "" {
		if d, ok := parseConsoleURL(dest); ok {
			p.Region, p.Service, p.Destination = d.Region, d.Service, d.Destination
		}
	}
	return p, true
}

// FindPaste finds the first word of query that is a paste (ParsePaste)
// and returns it with the query's other words.
func FindPaste(query string) (p Pasted, rest string, ok bool) {
	if !strings.ContainsAny(query, "0123456789:.") {
		return Pasted{}, query, false // the common case, typed letters, at once
	}
	words := strings.Fields(query)
	for i, w := range words {
		if p, ok := ParsePaste(w); ok {
			return p, strings.Join(append(words[:i:i], words[i+1:]...), " "), true
		}
	}
	return Pasted{}, query, false
}

// PastedDestination is where the console opens for a query holding a
// pasted ARN or console URL: the resource's region ("" if it has none),
// the console service and page. ok is false when the query holds no such
// paste, or one (an account id) that says nothing about the console.
func PastedDestination(query string) (region, service, destination string, ok bool) {
	p, _, found := FindPaste(query)
	if !found || !p.ForConsole() {
		return "", "", "", false
	}
	return p.Region, p.Service, p.Destination, true
}

// PasteCandidates ranks a pasted query: when query holds a paste naming an
// account that has rows, candidates are those rows' indexes (ascending),
// for the matcher to order by rest, the query's other words; when the
// paste names no account (an S3 bucket, a plain console URL), candidates
// is nil, every row, as the paste is only for the console. ok is false
// when query holds no paste, or names an account none of rows is in: then
// the query is matched as typed.
func PasteCandidates(rows []Row, query string) (candidates []int, rest string, ok bool) {
	p, rest, found := FindPaste(query)
	if !found {
		return nil, query, false
	}
	if p.AccountID == "" {
		return nil, rest, true
	}
	for i, r := range rows {
		if r.AccountID == p.AccountID {
			candidates = append(candidates, i)
		}
	}
	if candidates == nil {
		return nil, query, false
	}
	return candidates, rest, true
}
