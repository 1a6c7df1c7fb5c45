package sandbox

import (
	"html/template"
	"net/http"
	"sync"
)

var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · ssopick sandbox</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;color:#232f3e}
h1{font-size:1.4em}dt{font-weight:600}dd{margin:0 0 .6em 0;font-family:monospace}</style></head>
<body><h1>{{.Title}}</h1><p>{{.Text}}</p>{{.Extra}}
<p><small>ssopick sandbox: an emulator of AWS IAM Identity Center. Nothing here is real AWS.</small></p>
</body></html>
`))
})

// servePage answers a browser with a small HTML page.
func servePage(w http.ResponseWriter, status int, title, text string, extra template.HTML) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate().Execute(w, struct {
		Title, Text string
		Extra       template.HTML
	}{title, text, extra})
}

// startPage is the access portal's start URL.
func (s *Sandbox) startPage(w http.ResponseWriter, _ *http.Request) {
	servePage(w, http.StatusOK, "AWS access portal",
		"This is the start URL of the ssopick sandbox. Configure it as sso_start_url and sign in with ssopick or the AWS CLI.", "")
}
