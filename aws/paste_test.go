package aws

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestParsePaste(t *testing.T) {
	t.Parallel()
	const id = "123456789012"
	for _, tc := range []struct {
		name, in string
		want     Pasted
		ok       bool
	}{
		// Account ids.
		{"id", id, Pasted{AccountID: id}, true},
		{"id with dashes", "1234-5678-9012", Pasted{AccountID: id}, true},
		{"id in angle brackets", "<1234-5678-9012>", Pasted{AccountID: id}, true},
		{"11 digits", "12345678901", Pasted{}, false},
		{"13 digits", "1234567890123", Pasted{}, false},
		{"dashes elsewhere", "123-456-789-012", Pasted{}, false},
		{"one dash", "12345678-9012", Pasted{}, false},
		{"letters", "12345678901a", Pasted{}, false},
		{"wide digits", "１２３４５６７８９０１２", Pasted{}, false},

		// ARNs.
		{"lambda function", "arn:aws:lambda:eu-west-1:" + id + ":function:x",
			Pasted{AccountID: id, Region: "eu-west-1", Service: "lambda",
				Destination: "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/x"}, true},
		{"lambda alias: colons in the resource", "arn:aws:lambda:us-east-1:" + id + ":function:pay:live",
			Pasted{AccountID: id, Region: "us-east-1", Service: "lambda",
				Destination: "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/pay"}, true},
		{"iam role with a path", "arn:aws:iam::" + id + ":role/service-role/deployer",
			Pasted{AccountID: id, Service: "iam", Destination: "https://console.aws.amazon.com/iam/home#/roles/details/deployer"}, true},
		{"iam user", "arn:aws:iam::" + id + ":user/alice",
			Pasted{AccountID: id, Service: "iam", Destination: "https://console.aws.amazon.com/iam/home#/users/details/alice"}, true},
		{"managed policy: no account", "arn:aws:iam::aws:policy/ReadOnlyAccess",
			Pasted{Service: "iam", Destination: "https://console.aws.amazon.com/iam/home"}, true},
		{"s3 bucket: no account", "arn:aws:s3:::acme-logs",
			Pasted{Service: "s3", Destination: "https://s3.console.aws.amazon.com/s3/buckets/acme-logs"}, true},
		{"s3 object", "arn:aws:s3:::acme-logs/2024/01/app log.txt",
			Pasted{}, false}, // a space: two words of a query, not one paste
		{"s3 object key", "arn:aws:s3:::acme-logs/2024/01/app.txt",
			Pasted{Service: "s3", Destination: "https://s3.console.aws.amazon.com/s3/object/acme-logs?prefix=2024%2F01%2Fapp.txt"}, true},
		{"ec2 instance", "arn:aws:ec2:eu-central-1:" + id + ":instance/i-0abc123def4567890",
			Pasted{AccountID: id, Region: "eu-central-1", Service: "ec2",
				Destination: "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#InstanceDetails:instanceId=i-0abc123def4567890"}, true},
		{"ec2 security group: the service home", "arn:aws:ec2:eu-central-1:" + id + ":security-group/sg-1",
			Pasted{AccountID: id, Region: "eu-central-1", Service: "ec2",
				Destination: "https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1"}, true},
		{"cloudformation stack", "arn:aws:cloudformation:us-east-1:" + id + ":stack/pay/1c2fa620-1234-11ef-9e5a-0affd5d1c6a1",
			Pasted{AccountID: id, Region: "us-east-1", Service: "cloudformation",
				Destination: "https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack%2Fpay%2F1c2fa620-1234-11ef-9e5a-0affd5d1c6a1"}, true},
		{"ecs cluster", "arn:aws:ecs:us-west-2:" + id + ":cluster/web",
			Pasted{AccountID: id, Region: "us-west-2", Service: "ecs",
				Destination: "https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/web/services?region=us-west-2"}, true},
		{"dynamodb table", "arn:aws:dynamodb:us-east-1:" + id + ":table/orders",
			Pasted{AccountID: id, Region: "us-east-1", Service: "dynamodbv2",
				Destination: "https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=orders"}, true},
		{"dynamodb stream", "arn:aws:dynamodb:us-east-1:" + id + ":table/orders/stream/2024-01-01T00:00:00.000",
			Pasted{AccountID: id, Region: "us-east-1", Service: "dynamodbv2",
				Destination: "https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=orders"}, true},
		{"sqs queue", "arn:aws:sqs:eu-west-1:" + id + ":jobs.fifo",
			Pasted{AccountID: id, Region: "eu-west-1", Service: "sqs",
				Destination: "https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/https%3A%2F%2Fsqs.eu-west-1.amazonaws.com%2F123456789012%2Fjobs.fifo"}, true},
		{"log group", "arn:aws:logs:eu-west-1:" + id + ":log-group:/aws/lambda/pay:*",
			Pasted{AccountID: id, Region: "eu-west-1", Service: "cloudwatch",
				Destination: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fpay"}, true},
		{"another service: its home", "arn:aws:kms:ap-south-1:" + id + ":key/1234abcd-12ab-34cd-56ef-1234567890ab",
			Pasted{AccountID: id, Region: "ap-south-1", Service: "kms",
				Destination: "https://ap-south-1.console.aws.amazon.com/kms/home?region=ap-south-1"}, true},
		{"govcloud", "arn:aws-us-gov:lambda:us-gov-west-1:" + id + ":function:x",
			Pasted{AccountID: id, Region: "us-gov-west-1", Service: "lambda",
				Destination: "https://console.amazonaws-us-gov.com/lambda/home?region=us-gov-west-1#/functions/x"}, true},
		{"china s3 bucket", "arn:aws-cn:s3:::acme-cn",
			Pasted{Service: "s3", Destination: "https://console.amazonaws.cn/s3/buckets/acme-cn"}, true},
		{"partition and region disagree: the account, no page", "arn:aws:lambda:cn-north-1:" + id + ":function:x",
			Pasted{AccountID: id, Region: "cn-north-1", Service: "lambda"}, true},
		{"unknown partition: the account, no page", "arn:aws-mars:lambda:us-east-1:" + id + ":function:x",
			Pasted{AccountID: id, Region: "us-east-1", Service: "lambda"}, true},
		{"too few parts", "arn:aws:lambda:eu-west-1:" + id, Pasted{}, false},
		{"empty resource", "arn:aws:lambda:eu-west-1:" + id + ":", Pasted{}, false},
		{"bad account", "arn:aws:lambda:eu-west-1:12345:function:x", Pasted{}, false},
		{"bad region", "arn:aws:lambda:mars:" + id + ":function:x", Pasted{}, false},
		{"bad partition", "arn:AWS:lambda:eu-west-1:" + id + ":function:x", Pasted{}, false},
		{"bad service", "arn:aws:la/mbda:eu-west-1:" + id + ":function:x", Pasted{}, false},
		{"control character", "arn:aws:lambda:eu-west-1:" + id + ":function:x\x1b[2J", Pasted{}, false},

		// Console URLs.
		{"regional console URL", "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/x",
			Pasted{Region: "eu-west-1", Service: "lambda", Destination: "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/x"}, true},
		{"multi-session console URL", "https://" + id + "-abcdefg.eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:",
			Pasted{AccountID: id, Region: "eu-west-1", Service: "ec2", Destination: "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"}, true},
		{"no scheme, region in the query", "console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#alarmsV2:",
			Pasted{Region: "ap-southeast-2", Service: "cloudwatch", Destination: "https://console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#alarmsV2:"}, true},
		{"console home", "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1",
			Pasted{Region: "us-east-1", Destination: "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"}, true},
		{"s3 console host", "https://s3.console.aws.amazon.com/s3/buckets/acme-logs?region=eu-west-1",
			Pasted{Region: "eu-west-1", Service: "s3", Destination: "https://s3.console.aws.amazon.com/s3/buckets/acme-logs?region=eu-west-1"}, true},
		{"http upgraded", "http://console.aws.amazon.com/iam/home",
			Pasted{Service: "iam", Destination: "https://console.aws.amazon.com/iam/home"}, true},
		{"govcloud console", "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1",
			Pasted{Region: "us-gov-west-1", Service: "s3", Destination: "https://console.amazonaws-us-gov.com/s3/home?region=us-gov-west-1"}, true},
		{"portal shortcut", "https://d-1234567890.awsapps.com/start/#/console?account_id=" + id + "&role_name=Admin&destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fs3%2Fhome",
			Pasted{AccountID: id, Region: "eu-west-1", Service: "s3", Destination: "https://eu-west-1.console.aws.amazon.com/s3/home"}, true},
		{"portal without an account", "https://d-1234567890.awsapps.com/start/#/", Pasted{}, false},
		{"foreign host", "https://evil.example/lambda/home?region=eu-west-1", Pasted{}, false},
		{"console host as a path", "https://evil.example/console.aws.amazon.com/lambda", Pasted{}, false},
		{"console host as a prefix", "https://console.aws.amazon.com.evil.example/lambda", Pasted{}, false},
		{"look-alike host", "https://evilconsole.aws.amazon.com/lambda", Pasted{}, false},
		{"user info", "https://console.aws.amazon.com@evil.example/lambda", Pasted{}, false},
		{"a port", "https://console.aws.amazon.com:8443/lambda", Pasted{}, false},
		{"another scheme", "javascript://console.aws.amazon.com/%0aalert(1)", Pasted{}, false},
		{"sign-in host", "https://signin.aws.amazon.com/federation", Pasted{}, false},

		// Garbage.
		{"empty", "", Pasted{}, false},
		{"a word", "prod", Pasted{}, false},
		{"colons", ":::::", Pasted{}, false},
		{"arn alone", "arn:", Pasted{}, false},
		{"huge", "arn:aws:s3:::" + strings.Repeat("a", maxPaste), Pasted{}, false},
	} {
		got, ok := ParsePaste(tc.in)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s: ParsePaste(%q) = %+v, %v; want %+v, %v", tc.name, tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.Destination != "" {
			if _, err := ConsoleDestination(cmpRegion(got.Region, got.Destination), "", got.Destination); err != nil {
				t.Errorf("%s: the destination is refused: %v", tc.name, err)
			}
		}
	}
}

// cmpRegion is a region of the destination's partition, for checking it
// with ConsoleDestination.
func cmpRegion(region, destination string) string {
	switch {
	case region != "":
		return region
	case strings.Contains(destination, "amazonaws.cn"):
		return "cn-north-1"
	case strings.Contains(destination, "amazonaws-us-gov.com"):
		return "us-gov-west-1"
	}
	return "us-east-1"
}

func TestPastedDestination(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query, region, service, dest string
		ok                           bool
	}{
		{"arn:aws:lambda:eu-west-1:123456789012:function:x admin", "eu-west-1", "lambda",
			"https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/x", true},
		{"view arn:aws:s3:::acme-logs", "", "s3", "https://s3.console.aws.amazon.com/s3/buckets/acme-logs", true},
		{"1234-5678-9012", "", "", "", false}, // an account says nothing of the console
		{"prod admin", "", "", "", false},
		{"https://evil.example/lambda", "", "", "", false},
	} {
		region, service, dest, ok := PastedDestination(tc.query)
		if region != tc.region || service != tc.service || dest != tc.dest || ok != tc.ok {
			t.Errorf("PastedDestination(%q) = %q %q %q %v", tc.query, region, service, dest, ok)
		}
	}
}

func TestPasteCandidatesKeepTheAccountsRows(t *testing.T) {
	t.Parallel()
	rows := []Row{
		{AccountID: "111111111111", AccountName: "acme-a", RoleName: "Admin"},
		{AccountID: "222222222222", AccountName: "acme-b", RoleName: "Admin"},
		{AccountID: "222222222222", AccountName: "acme-b", RoleName: "View"},
		{AccountID: "333333333333", AccountName: "acme-c", RoleName: "View"},
	}
	for _, tc := range []struct {
		query      string
		candidates []int
		rest       string
		ok         bool
	}{
		{"2222-2222-2222", []int{1, 2}, "", true},
		{"arn:aws:lambda:us-east-1:222222222222:function:x view", []int{1, 2}, "view", true},
		{"https://222222222222-abc.us-east-1.console.aws.amazon.com/ec2/home", []int{1, 2}, "", true},
		{"arn:aws:s3:::bucket admin", nil, "admin", true}, // no account: every row
		{"444444444444", nil, "444444444444", false},      // an account not in the list: as typed
		{"arn:aws:iam::444444444444:role/x", nil, "arn:aws:iam::444444444444:role/x", false},
		{"acme admin", nil, "acme admin", false},
	} {
		c, rest, ok := PasteCandidates(rows, tc.query)
		if !slices.Equal(c, tc.candidates) || rest != tc.rest || ok != tc.ok {
			t.Errorf("PasteCandidates(%q) = %v %q %v", tc.query, c, rest, ok)
		}
	}
}

func FuzzParsePaste(f *testing.F) {
	for _, s := range []string{"123456789012", "arn:aws:lambda:eu-west-1:123456789012:function:x",
		"https://123456789012-abc.eu-west-1.console.aws.amazon.com/s3/home", "arn:aws:s3:::b/k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := ParsePaste(s)
		if !ok {
			return
		}
		if p.AccountID != "" && !isAccountID(p.AccountID) {
			t.Errorf("%q: account %q", s, p.AccountID)
		}
		if p.Destination == "" {
			return
		}
		u, err := url.Parse(p.Destination)
		if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" ||
			!slices.ContainsFunc(slices.Collect(maps.Values(consoleHostsByPartition())), func(h string) bool {
				return u.Host == h || strings.HasSuffix(u.Host, "."+h)
			}) {
			t.Errorf("%q: destination %q is not on a console host", s, p.Destination)
		}
	})
}
