package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

// kubeconfigExample is the kubeconfig stanza that makes kubectl ask
// ssopick for its tokens.
const kubeconfigExample = `  # in ~/.kube/config, the user of the cluster's context:
  users:
  - name: acme-prod-demo
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: ssopick
        args: [eks, token, --cluster, demo, -a, acme-prod, -r, EKSAdmin]
        interactiveMode: Never`

func newEKSCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "eks",
		Short: "Give kubectl tokens for Amazon EKS clusters as a role",
		Long: `Amazon EKS clusters take the caller's AWS identity as their Kubernetes user.
ssopick eks token --cluster NAME -a ACCOUNT -r ROLE prints the token kubectl
asks an exec credential plugin for (an ExecCredential of
client.authentication.k8s.io/v1beta1), made from the role's credentials as
aws eks get-token makes it, without the AWS CLI. Name it in the kubeconfig's
users[].user.exec, as below; without -a and -r (or --profile), in a
terminal, the picker chooses the role.

The token lasts 14 minutes (no longer than the role's credentials). It is
kept in ssopick's cache folder (mode 0600) and printed again by the next
runs until a minute before it ends, so kubectl's run per command costs a file
read; it is not served once the sign-in it was made under has ended
(ssopick logout, or a sign-in anew).`,
		Example: kubeconfigExample + `
  ssopick eks token --cluster demo -a acme-prod -r EKSAdmin
  ssopick eks token --cluster demo --region eu-west-1 # pick the role in the picker`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &exitError{code: 2, err: fmt.Errorf("ssopick eks has no command %q; it has one: ssopick eks token --cluster NAME", ui.Visible(args[0]))}
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(newEKSTokenCmd(f))
	return cmd
}

func newEKSTokenCmd(f *factory) *cobra.Command {
	var (
		o       roleFlags
		cluster string
	)
	cmd := &cobra.Command{
		Use:   "token --cluster NAME [-a ACCOUNT -r ROLE] [QUERY...]",
		Short: "Print an EKS token for kubectl (an ExecCredential) as a role",
		Long: `Print a token for the EKS cluster NAME, signed with the role's credentials,
as the client.authentication.k8s.io/v1beta1 ExecCredential JSON that kubectl
reads from an exec credential plugin: a presigned STS GetCallerIdentity
request for the cluster's region that names the cluster, as aws eks get-token
makes it. Whether NAME is a cluster you can reach is for the cluster to say,
when kubectl uses the token.

Name the role with -a and -r (the kubeconfig's way) or --profile, or leave
them out in a terminal to pick it (the query pre-fills the picker); --assume
chains a role from it. The token lasts 14 minutes, no longer than the role's
credentials, and the next runs print it again from ssopick's cache until a
minute before it ends, while the sign-in it was made under lasts. A needed
sign-in opens in the browser when stderr is a terminal; otherwise ssopick
fails with one line saying to run ssopick login.`,
		Example: kubeconfigExample + `
  ssopick eks token --cluster demo -a acme-prod -r EKSAdmin --region eu-west-1
  ssopick eks token --cluster demo prod # pick the role, the query filled in`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkCluster(cluster); err != nil {
				return err
			}
			if o.Region != "" {
				if err := checkRegion(o.Region); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			if err := o.check(); err != nil {
				return err
			}
			if o.given() && len(args) > 0 {
				return errors.New("give a QUERY or -a/-r, not both")
			}
			tok, err := eksToken(cmd.Context(), f, o, cluster, args)
			if err != nil {
				return err
			}
			_, err = f.Out.Write(tok.ExecCredential())
			return err
		},
	}
	addRoleFlags(cmd, &o, f)
	cmd.Flags().Lookup("region").Usage = "the cluster's region, whose STS endpoint the token is for (default: $AWS_REGION, $AWS_DEFAULT_REGION, the region preferences, then the SSO region)"
	cmd.Flags().StringVar(&cluster, "cluster", "", "the EKS cluster's name, as aws eks list-clusters shows it (required)")
	_ = cmd.RegisterFlagCompletionFunc("cluster", cobra.NoFileCompletions)
	addSessionFlags(cmd, f)
	return cmd
}

// clusterName is what EKS accepts as a cluster's name.
var clusterName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$`) })

// checkCluster refuses a missing or malformed --cluster, a usage error.
// Whether a well-formed name is a cluster at all only the cluster can
// tell: the token is signed here without asking EKS.
func checkCluster(cluster string) error {
	switch {
	case cluster == "":
		return &exitError{code: 2, err: errors.New("ssopick eks token needs --cluster NAME, the EKS cluster's name as `aws eks list-clusters` shows it")}
	case !clusterName().MatchString(cluster):
		return &exitError{code: 2, err: fmt.Errorf("--cluster %q is not an EKS cluster name (up to 100 letters, digits, - and _, starting with a letter or digit); give the name `aws eks list-clusters` shows", ui.Visible(cluster))}
	}
	return nil
}

// regionName is what an AWS region's name looks like: a DNS label.
var regionName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`) })

// checkRegion refuses a region the STS endpoint cannot be named by.
func checkRegion(region string) error {
	if !regionName().MatchString(region) {
		return fmt.Errorf("%q is not an AWS region like eu-west-1; give the cluster's region with --region", ui.Visible(region))
	}
	return nil
}

// eksToken is the eks token command's work: the token from the cache
// while it lasts, else one made from the role's credentials and cached.
// With -a and -r the cache is read before anything is connected, as
// credential-process does; the picker's choice is looked up after it.
func eksToken(ctx context.Context, f *factory, o roleFlags, cluster string, query []string) (aws.EKSToken, error) {
	cache := f.Paths.EKSTokenCache()
	start := time.Now()
	debug := func(key aws.EKSKey, from string) {
		if f.Debug != nil {
			fmt.Fprintf(f.Debug, "debug: EKS token for %s as %s in %s (%s) from %s in %v\n",
				key.Cluster, ui.Visible(key.Role), key.AccountID, key.Region, from, time.Since(start).Round(time.Microsecond))
		}
	}
	if key, ok := eksKeyFromCacheAlone(f, o, cluster); ok {
		if tok, found, _ := cache.Lookup(key, time.Now()); found {
			debug(key, "the cache")
			return tok, nil
		}
	}
	var (
		s   *aws.Sessions
		ch  aws.Choice
		err error
	)
	if o.given() {
		s, ch, err = openAndFind(ctx, f, o, f.ErrIsTerminal)
	} else {
		// Enter ends the picker with the row; the action is not used.
		var p picked
		if p, err = runPicker(ctx, f, ui.ModeConsole, query, pickOptions{MaxAge: f.maxAge(), Role: o}); err == nil {
			s = p.Sessions
			ch, err = assume(p.Choice, o.Assume)
		}
	}
	if err != nil {
		return aws.EKSToken{}, err
	}
	region := regionFor(f, ch, o.Region)
	if err := checkRegion(region); err != nil {
		return aws.EKSToken{}, err
	}
	key := aws.EKSKeyFor(ch, region, cluster)
	key.Endpoint = f.env().STSSettings()
	warn := func(err error) {
		fmt.Fprintf(f.ErrOut, "ssopick: warning: the EKS token cache failed (%v); the token is made anew each time.\n", err)
	}
	tok, hit, err := cache.Get(ctx, key, time.Now, func() (aws.EKSToken, error) {
		creds, err := s.Credentials(ctx, ch)
		if err != nil {
			return aws.EKSToken{}, err
		}
		return aws.NewEKSToken(ctx, f.env(), region, cluster, creds)
	}, warn)
	if err == nil {
		debug(key, map[bool]string{true: "the cache", false: "the role's credentials"}[hit])
	}
	return tok, err
}

// eksKeyFromCacheAlone names the cached token -a and -r point at without
// connecting to anything: by an account id where one session is
// selected, else through the cached lists of every selected session, as
// Sessions.Find would. ok is false where that cannot be told (no -a/-r,
// --profile or --assume, no cached list, an ambiguous name); the full path
// then finds the role and says what is wrong. Where it names the role
// otherwise than the full path would (an account id that a cached list
// names, and a region preference for that name), the full path finds the
// token in the cache instead.
func eksKeyFromCacheAlone(f *factory, o roleFlags, cluster string) (aws.EKSKey, bool) {
	session, row, ok := roleWithoutConnecting(f, o)
	if !ok {
		return aws.EKSKey{}, false
	}
	ch := aws.Choice{Row: row, Conn: &aws.Conn{Session: session}}
	key := aws.EKSKeyFor(ch, regionFor(f, ch, o.Region), cluster)
	key.Endpoint = f.env().STSSettings()
	return key, true
}
