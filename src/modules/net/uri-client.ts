// The HTTP client uri runs ON the target, as Ansible's uri does: python3's urllib (Ansible's own
// requirement there), fed one JSON request on stdin, answering one JSON line. A fixed script:
// nothing from the task is ever part of the program text.

/** What the script reads on stdin. */
export interface UriRequest {
  url: string
  method: string
  headers: Record<string, string>
  /** The body, base64 (null: none). */
  body: string | null
  follow: 'safe' | 'all' | 'none' | 'urllib2'
  timeout: number
  validate_certs: boolean
  ca_path: string | null
  client_cert: string | null
  client_key: string | null
  user: string | null
  password: string | null
  force_basic_auth: boolean
  /** Write the body here when the status is wanted; a folder gets the response's file name. */
  dest: string | null
  status_codes: number[]
  /** Return the body always (return_content, or no dest); else only for JSON or an unwanted status. */
  read_body: boolean
  /** A file on the target sent as the body (src with remote_src). */
  body_file: string | null
  use_proxy: boolean
}

/** What it prints: urllib's answer, headers as the server named them. */
export interface UriResponse {
  status: number
  url: string
  msg: string
  headers: [string, string][]
  body: string | null
  elapsed: number
  dest?: string
  written?: boolean
}

export const URI_SCRIPT = String.raw`
import base64, json, os, socket, ssl, sys, tempfile, time, urllib.error, urllib.parse, urllib.request, email.utils
q = json.load(sys.stdin)
SAFE = ('GET', 'HEAD')
class Redirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, hdrs, newurl):
        f, m = q['follow'], req.get_method()
        if f == 'none' or (f == 'safe' and m not in SAFE):
            return None
        if f == 'urllib2':
            return urllib.request.HTTPRedirectHandler.redirect_request(self, req, fp, code, msg, hdrs, newurl)
        keep = code in (307, 308) or m in SAFE
        h = dict((k, v) for k, v in req.header_items() if keep or k.lower() not in ('content-length', 'content-type'))
        return urllib.request.Request(newurl, data=req.data if keep else None, headers=h, method=m if keep else 'GET')
handlers = [Redirect()]
ctx = ssl.create_default_context(cafile=q['ca_path']) if q['url'].startswith('https') else None
if ctx is not None:
    if not q['validate_certs']:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if q['client_cert']:
        ctx.load_cert_chain(q['client_cert'], q['client_key'])
    handlers.append(urllib.request.HTTPSHandler(context=ctx))
headers = dict(q['headers'])
if q['user'] is not None:
    if q['force_basic_auth']:
        cred = (q['user'] + ':' + (q['password'] or '')).encode()
        headers['Authorization'] = 'Basic ' + base64.b64encode(cred).decode()
    else:
        pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        pm.add_password(None, q['url'], q['user'], q['password'] or '')
        handlers.append(urllib.request.HTTPBasicAuthHandler(pm))
dest = q['dest']
if dest and os.path.isfile(dest):
    headers['If-Modified-Since'] = email.utils.formatdate(os.path.getmtime(dest), usegmt=True)
if not q['use_proxy']:
    handlers.append(urllib.request.ProxyHandler({}))
opener = urllib.request.build_opener(*handlers)
data = base64.b64decode(q['body']) if q['body'] is not None else None
if q['body_file']:
    with open(q['body_file'], 'rb') as f:
        data = f.read()
req = urllib.request.Request(q['url'], data=data, headers=headers, method=q['method'])
out = {'url': q['url'], 'headers': [], 'body': None}
start = time.time()
r = None
try:
    r = opener.open(req, timeout=q['timeout'])
    out['status'] = r.status
    out['url'] = r.geturl()
    n = r.headers.get('Content-Length')
    out['msg'] = 'OK (%s bytes)' % (n if n is not None else 'unknown')
except urllib.error.HTTPError as e:
    r = e
    out['status'] = e.code
    out['url'] = e.geturl() or q['url']
    out['msg'] = str(e)
except (urllib.error.URLError, socket.timeout, ConnectionError, ssl.SSLError, ValueError, OSError) as e:
    out['status'] = -1
    out['msg'] = 'Request failed: %s' % (e,)
if r is not None:
    out['headers'] = list(r.headers.items())
    try:
        content = r.read()
    except Exception:
        content = b''
    wanted = out['status'] in q['status_codes']
    if dest and wanted and out['status'] != 304:
        if os.path.isdir(dest):
            name = r.headers.get_filename() or os.path.basename(urllib.parse.urlsplit(out['url']).path) or 'index.html'
            dest = os.path.join(dest, name)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(dest)))
        with os.fdopen(fd, 'wb') as f:
            f.write(content)
        if os.path.exists(dest):
            os.chmod(tmp, os.stat(dest).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~os.umask(os.umask(0)))
        os.rename(tmp, dest)
        out['written'] = True
    if dest:
        out['dest'] = dest
    sub = r.headers.get_content_type().split('/')[-1].lower()
    if q['read_body'] or not wanted or 'json' in sub or 'javascript' in sub:
        out['body'] = base64.b64encode(content).decode()
out['elapsed'] = int(time.time() - start)
sys.stdout.write(json.dumps(out) + '\n')
`
