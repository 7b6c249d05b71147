/** Network causes: the service's own address, and the model hubs it downloads from. */
import { HUB_HOST, HUB_URL, IN_ERROR, type Cause, t } from "./types.js";

/** UNPRIVILEGED matches a port number from 1024 to 69999 (one a user may bind on Linux). */
const UNPRIVILEGED = "(?:102[4-9]|10[3-9]\\d|1[1-9]\\d\\d|[2-9]\\d{3}|[1-6]\\d{4})";

export const portInUse: Cause = {
  id: "port_in_use",
  regexes: [
    // Windows refuses a bind with WSAEACCES (10013) when the port is held for exclusive use or is in a range it
    // reserves (Hyper-V, WSL): the port is not free for the service.
    /bind[^\n]*forbidden by its access permissions/,
    /(?<!connection to \('[^']*', \d+\) failed: )\[Errno 98\]/,
    // Easy Diffusion's start script.
    /already running at port \d+|port \d+ could not be bound/,
    // ComfyUI Desktop tries a range of ports (`Ports 8188 to 8198 are all in use.`).
    /Ports \d+ to \d+ are all in use/,
    // asyncio on Windows says WSAEACCES as errno 13: on a port above 1023 it is one Windows reserves or holds (a
    // port below 1024 on Linux is a permission: permission_denied).
    new RegExp(`\\[Errno 13\\] error while attempting to bind on address \\('[^']*', ${UNPRIVILEGED}\\)`),
    // The errno's name alone, as Node's error object prints it (`code: 'EADDRINUSE'`).
    /EADDRINUSE/,
    /\[Errno 48\]/,
    /\[Errno 10048\]/,
    /\[WinError 10048\]|WinErr 10048|WinErr10048/,
    /bind address \[10048\]/,
    // Not the second line of gunicorn's retry (`connection to ('127.0.0.1', 8000) failed: [Errno 98] ...`): its first
    // line (`Connection in use:`) names the cause, once per try.
    new RegExp(
      "(?<!connection to \\('[^']*', \\d+\\) failed: [^\\n]*)" +
        "(?:[Aa]ddress already in use|Address Already in Use|Address Already In Use)",
    ),
    /Cannot find empty port/,
    /[Oo]nly one usage of each socket address/,
    /All ports from \d+ to \d+ are in use/,
    /port is already in use|[Pp]ort \d+ is already in use/,
    // Docker could not publish a port (taken, or reserved on Windows), said first before the reason.
    /Ports are not available/,
    // Werkzeug's development server (Flask); libwebsockets' failed bind with errno 98 (EADDRINUSE).
    /Port \d+ is in use by another program|ERROR on binding fd \d+ to port \d+ \(-?\d+ 98\)/,
    // Docker's and gpustack's words for a port another process holds.
    /port is already allocated/,
    // gunicorn's arbiter, before it retries the bind (`Connection in use: ('0.0.0.0', 8000)`).
    /Connection in use: /,
    /is used by a process already/,
    // llama.cpp's server and llamafile: their HTTP library reports any failed bind so, almost always a taken port;
    // not when it names an address other than the wildcard or loopback (address_unavailable, below).
    /couldn.t bind HTTP server socket|couldn.t bind to server socket(?:$|: hostname=(?:0\.0\.0\.0|127\.|localhost|::))/,
    new RegExp("\u901a\u5e38\u6bcf\u4e2a\u5957\u63a5\u5b57\u5730\u5740"), // 通常每个套接字地址
    // The same Windows message (WSAEADDRINUSE) in Turkish, German, Spanish, French and Russian.
    new RegExp("yaln\u0131zca bir kullan\u0131ma izin veriliyor"),
    /Normalerweise darf jede Socketadresse|Solo se permite un uso de cada direcci/,
    /Une seule utilisation de chaque adresse/,
    // Russian: только одно использование адреса сокета
    new RegExp(
      "\u0442\u043e\u043b\u044c\u043a\u043e \u043e\u0434\u043d\u043e " +
        "\u0438\u0441\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u043d\u0438\u0435 " +
        "\u0430\u0434\u0440\u0435\u0441\u0430 \u0441\u043e\u043a\u0435\u0442\u0430",
    ),
  ],
  // Gradio raises `Port N is in use` after any failed bind (an EADDRNOTAVAIL too): named only when no line of the read
  // names the bind's own error.
  carriers: [/OSError: Port \d+ is in use/],
  // WSAEACCES by its number is the port's only in a read that shows a bind (a connect a firewall refuses gets it too).
  weak: {
    regexes: [/\[(?:WinError|Errno) 10013\] /],
    evidence: [/ in (?:start_server|server_bind|create_server|bind_socket)$|attempting to bind/],
  },
  // NCCL's RAS service (2.24+) could not bind its port, and NCCL goes on without it.
  excuses: [/RAS failed to establish a client listening socket/],
  // gunicorn retries the bind and then listens (`[INFO] Listening at: http://127.0.0.1:8000`): its retries were a
  // port freed in time.
  recoveries: [/\] Listening at: https?:\/\//],
  text: t(
    [
      "the port is already taken, so the server could not start",
      "find the holder with `ss -ltnp` (Windows: netstat -ano) and stop it (often an old copy of this service), " +
        "or change the port",
    ],
    [
      "端口已被占用，服务无法启动",
      "用 `ss -ltnp`（Windows：netstat -ano）找到占用者并停止（常是本服务的旧进程），或更换端口",
    ],
  ),
};

// Not c10d's warning while it retries a connect, in torch's old and new prefixes (`[W socket.cpp:558]`,
// `[W1207 10:00:00.123 socket.cpp:697]`).
const C10D_RETRY = "(?<!\\[W[\\d :.]*socket\\.cpp[^\\n]*)";

export const addressUnavailable: Cause = {
  id: "address_unavailable",
  regexes: [
    /\[Errno 99\]/,
    /\[Errno 49\] Can.t assign requested address/,
    new RegExp(`${C10D_RETRY}[Cc]annot assign requested address`),
    /[Cc]an.t assign requested address/,
    /EADDRNOTAVAIL/,
    // Windows' WSAEADDRNOTAVAIL (10049).
    new RegExp(`\\[WinError 10049\\]|${C10D_RETRY}requested address is not valid in its context`),
    /couldn.t bind to server socket: hostname=[0-9a-f.:]+(?<!=0\.0\.0\.0)(?<!=127\.0\.0\.1)(?<!=::) port=/,
  ],
  // c10d's warning while it retries a connect to an address that is not valid here (10049, a hosts-file name): the
  // cause when the read also shows the process group's start failing; alone, the retry goes on.
  weak: {
    regexes: [/\(system error: 10049 - /],
    evidence: [/init_process_group\(|Traceback \(most recent call last\)/],
  },
  text: t(
    [
      "the address to listen on is not one of this host's (EADDRNOTAVAIL: a wrong IP, IPv6 ::1 without IPv6, " +
        "or the network is not up yet)",
      "listen on 0.0.0.0 or an address `ip addr` shows; at boot, start the service after network-online.target",
    ],
    [
      "要监听的地址不属于本机（EADDRNOTAVAIL：IP 写错、没有 IPv6 却监听 ::1，或网络尚未就绪）",
      "监听 0.0.0.0 或 `ip addr` 列出的地址；开机时让服务在 network-online.target 之后启动",
    ],
  ),
};

const HUB = HUB_HOST;

export const hubUnreachable: Cause = {
  id: "hub_unreachable",
  regexes: [
    /couldn.t connect to .https?:\/\/[^ ]*huggingface/,
    /(?<!import [^\n]*)LocalEntryNotFoundError/,
    /An error occurred while downloading using `hf_transfer`/,
    new RegExp(`ERROR DOWNLOADING ${HUB_URL}|[Ee]rror (?:while |during )?downloading ${HUB_URL}`),
    // The same error's message alone: the hub could not be reached and no copy is on disk.
    /cannot find the appropriate snapshot folder for the specified revision/,
    /cannot find the requested files in the (?:local|disk) cache/,
    new RegExp(`HTTPS?ConnectionPool\\(host='${HUB}'`),
    new RegExp(`Connection to ${HUB} timed out`),
    /outgoing traffic has been disabled/,
    // huggingface_hub: the answer came from a proxy or a captive portal, not the hub (no commit, ETag or size in it).
    /Distant resource does not (?:seem to be on huggingface\.co|have an ETag|have a Content-Length)/,
    /Couldn.t reach '[^']*' on the Hub/,
    /Couldn.t reach https?:\/\/[^ ]*huggingface/,
    // Not `datasets` at WARNING going on with its cached copy (`Using the latest cached version ...`).
    /(?<!Using the latest cached version[^\n]*)OfflineModeIsEnabled/,
    new RegExp(`Cannot reach ${HUB_URL}\\S*: offline mode is enabled`),
    new RegExp(`unable to access 'https?:\\/\\/${HUB}`),
    // Go's net/http and Rust's reqwest name the URL (or the host they looked up), then the failure: DNS, TCP, TLS,
    // timeouts. A URL, not a Go module path (`github.com/x/y` in a stack frame beside a local connection refused).
    // The hub comes first in a lookbehind, so the prefilter keys on the failure, not on every line naming the hub.
    new RegExp(
      `(?<=(?:${HUB_URL}|lookup ${HUB})[^\\n]*)` +
        "(?:dial tcp|i\\/o timeout|TLS handshake|tls: failed|tls: handshake|x509: certificate|no such host|" +
        "tls connection init failed)",
    ),
    new RegExp(
      `(?<=(?:${HUB_URL}|lookup ${HUB})[^\\n]*)` +
        "(?:connection refused|context deadline exceeded|Client\\.Timeout|SSL connect error)",
    ),
    new RegExp(`${HUB_URL}.*connection reset by peer`),
    // Go: a read or write on the connection to the hub that failed, timed out or was cut (ollama pull).
    new RegExp(
      `(?<=${HUB_URL}[^\\n]*)(?:(?:read tcp|write tcp) [^\\n]*(?:timed out|reset by peer|EOF)|: unexpected EOF)`,
    ),
    new RegExp(`error sending request for url \\(${HUB_URL}`),
    // Ollama's pull, whatever the registry's host (a mirror, a proxy): the blob's download failed on the network.
    /couldn't download blob: [^\n]*(?:tls: |dial tcp|i\/o timeout|no such host|connection reset|deadline exceeded)/,
    // curl and git: the same failures in their words (git's transfer cut mid-clone: `RPC failed; curl 56`).
    /error: RPC failed; curl \d+|fetch-pack: unexpected disconnect/,
    new RegExp(`Failed to connect to ${HUB} port|Could not resolve host: ${HUB}`),
    new RegExp(`(?<=${HUB_URL}[^\\n]*)(?:Couldn't|Could not) resolve host`),
    // CMake's and build scripts' download of a release archive from a hub.
    new RegExp(`Downloading ${HUB_URL}\\S* failed`),
    // A download through a proxy that refused or could not reach the hub (Node's proxy agents).
    /[Dd]ownload failed: [^\n]*tunneling socket could not be established/,
    // faster-whisper could not check the model on the hub (it tries the local cache next).
    /An error occured while synchronizing the model /,
    // The hub answered, but not with the file: rate limited (429) or a server error (5xx); waiting helps.
    // ModelScope puts its request id (with a colon) before the URL.
    new RegExp(`\\b(?:429|5\\d\\d) (?:Client|Server) Error: [^\\n]*for url: ${HUB_URL}`),
    new RegExp(`(?:Client|Server) error '(?:429|5\\d\\d) [^']*' for url '${HUB_URL}`),
    /(?:GET|HEAD) failed \((?:429|5\d\d)\)/,
    /pull model manifest: (?:429|5\d\d)\b/,
    // A connect that timed out (ETIMEDOUT, WSAETIMEDOUT) or a name that did not resolve: in a model service, a
    // download.
    /\[Errno 110\] Connection timed out|\(os error 10060\)|\[WinError 10060\]|Caused by ConnectTimeoutError\(/,
    /\[Errno 101\] Network is unreachable|\[Errno 113\] No route to host/,
    /\[Errno -[23]\] (?:Name or service not known|Temporary failure in name resolution)/,
    // Windows' resolver (WSAHOST_NOT_FOUND 11001, WSATRY_AGAIN 11002), also as aiohttp wraps it.
    /\[Errno 1100[124]\] getaddrinfo failed|ssl:default \[getaddrinfo failed\]/,
    new RegExp(`Cannot connect to host ${HUB}:\\d+`),
    // aiohttp's connect timeout (ComfyUI-Manager's fetch of its lists), and Ollama's registry request that failed
    // (`request failed: Get \"https://registry.ollama.ai/v2/...\": EOF`), whatever the network's error.
    new RegExp(`Connection timeout to host ${HUB_URL}`),
    new RegExp(`request failed: (?:Get|Head|Post) \\\\?"${HUB_URL}`),
    // urllib3 gave up on a URL of model weights, whatever the host (a vendor's own CDN).
    /Max retries exceeded with url: \S*\.(?:safetensors|bin|pth?|ckpt|gguf|onnx|zip)\b/,
    new RegExp(`Max retries exceeded with url: (?:${HUB_URL}|\\/api\\/v1\\/models\\/|\\/api\\/models\\/)`),
    new RegExp(`host='${HUB}', port=\\d+\\): Read timed out`),
    // A download cut off mid-file, and a proxy or TLS failure on the way to the hub (urllib3, requests).
    /Connection broken: IncompleteRead|exceptions\.IncompleteRead: |ChunkedEncodingError/,
    /Unable to connect to proxy|Cannot connect to proxy|EOF occurred in violation of protocol/,
    /Error: max retries exceeded(?:: |$)/,
    // A download that failed on the network, in any downloader's words (Xinference, Node's ETIMEDOUT, urllib3).
    new RegExp(
      "(?:[Ff]ailed to download|[Dd]ownload [Ff]ailed|[Ee]rror while downloading)[^\\n]*" +
        "(?:timed out|ETIMEDOUT|ECONNRESET|ENOTFOUND|EAI_AGAIN)",
    ),
    // urllib's failure to reach a URL: in a model service, the download of weights (torch.hub, GitHub releases).
    /<urlopen error /,
  ],
  // A download given up after retries, said without why (Xinference): named only when no line gives the reason
  // (a model the hub does not have is not a network failure).
  // A bare `TimeoutError: timed out` under urllib3's connect (a download whose host did not answer).
  // A connection reset or cut while a download from a hub is under way (the hub's URL in the same read).
  weak: {
    regexes: [
      /^(?:TimeoutError|socket\.timeout): timed out$/,
      /Network problem has occurred/,
      /ConnectionResetError\b|\[WinError 10054\]|\[Errno 104\] Connection reset by peer|Remote end closed connection/,
      // Windows' WSAECONNRESET in Chinese: 远程主机强迫关闭了一个现有的连接
      new RegExp("\u8fdc\u7a0b\u4e3b\u673a\u5f3a\u8feb\u5173\u95ed\u4e86\u4e00\u4e2a\u73b0\u6709\u7684\u8fde\u63a5"),
      // The broad rule: a network failure in any words, named when the read also names a hub or a download.
      /[Cc]onnection aborted|[Cc]onnection reset|getaddrinfo|NewConnectionError|ConnectTimeout|ProxyError/,
      /SSLError|certificate verify failed|CERTIFICATE_VERIFY_FAILED|Network is unreachable/,
      // urllib3's retries used up on a hub's 429/5xx answers.
      /too many (?:429|5\d\d) error responses/,
      IN_ERROR("timed out"),
    ],
    evidence: [
      /urllib3[\\/]connection\.py", line \d+, in _new_conn$/,
      new RegExp(`Downloading:? ["']?${HUB_URL}`),
      // aria2c gave up on a file from a hub (why is on another line: a network problem, or a 401).
      new RegExp(`Download aborted\\. URI=${HUB_URL}`),
      /[Dd]ownloading (?:the )?(?:[\w-]+ )?(?:[Mm]odel|weights|checkpoint|shards?|files?)\b/,
      /[Dd]ownloading [\w.-]+\.(?:json|safetensors|bin|pth?|ckpt|gguf|onnx)\b/,
      // huggingface_hub puts its request's id after the error of any call to the hub.
      /'\(Request ID: [\w-]+\)'/,
      /snapshot_download|hf_hub_download/,
      // A download's progress bar (tqdm's `Downloading:  95% 3.05G/3.20G`).
      /Downloading: +\d+%/,
      // A fetch from a hub's address (ComfyUI-Manager's `FETCH DATA from: https://raw.githubusercontent...`).
      new RegExp(`FETCH DATA from:? ${HUB_URL}|[Ff]etching (?:from )?${HUB_URL}`),
      // A frame of a downloader's own file (`ch_lib\downloader.py`, `file_download.py`).
      /download\w*\.py", line \d+/,
    ],
  },
  // transformers and diffusers wrap any HTTP error of the hub (5xx, 429, but a 401 too) as a connection error: the
  // hub's own answer on the next line names the cause when it is there.
  carriers: [
    /[Ff]ailed to download [^\n]*after (?:multiple|\d+) retries/,
    /There was a specific connection error when trying to load /,
    // A download from a hub that failed, whatever the client's reason (a 5xx `server replied: Not Implemented`); a
    // 401/403/404 said on a line of the same read is the hub refusing the model.
    new RegExp(`[Ff]ailed to download ${HUB_URL}`),
  ],
  // huggingface_hub retrying a metadata request (HEAD): when it finally fails, the file comes from the local cache,
  // or a later line says the model is not there (LocalEntryNotFoundError). The retry itself stops nothing.
  excuses: [/Retrying in \d+s \[Retry \d+\/\d+\][^\n]*thrown while requesting HEAD /],
  // The same retry's notice on a line of its own; pip skips an index it could not reach (`Could not fetch URL ...:
  // connection error: ... - skipping`); diffusers could not reach the hub and loads the pipeline from its cache.
  recoveries: [
    /Retrying in \d+s \[Retry \d+\/\d+\]\.?$/,
    /Could not fetch URL [^\n]* - skipping$/,
    /Will try to load from local cache/,
  ],
  text: t(
    [
      "a model hub (Hugging Face, ModelScope, Civitai, GitHub, Ollama registry) cannot be reached " +
        "and the model is not in the local cache",
      "check DNS, proxy and firewall (or set HF_ENDPOINT to a mirror); " +
        "or download the model beforehand and run offline (HF_HUB_OFFLINE=1, a local path)",
    ],
    [
      "无法连接模型仓库（Hugging Face、ModelScope、Civitai、GitHub、Ollama registry），且本地缓存中没有该模型",
      "检查 DNS、代理和防火墙（或设置 HF_ENDPOINT 使用镜像）；或预先下载模型并离线运行（HF_HUB_OFFLINE=1、本地路径）",
    ],
  ),
};
