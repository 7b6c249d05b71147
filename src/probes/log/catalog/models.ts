/**
 * A model (or its weights) that is not where the service looks, or that a hub will not hand out. A restart alone
 * does not fix it.
 */
import { type Cause, GOES_ON, HUB_URL, t } from "./types.js";

// A library that tried the preferred file, did not find it and loads another says so: that is no failure.
// faster-whisper goes on without a preprocessor config (it has the defaults).
const WEIGHTS_EXT = "safetensors|bin|ckpt|pth?|gguf|onnx|engine|plan";
const MODELS_DIRNAME = "pretrained_models|[Mm]odels?|checkpoints?|weights";
const NOT_A_FALLBACK = "(?<!(?:An error occurred while trying to fetch|Could not load preprocessor config)[^\\n]*)";
// How tools say a file is missing before they name it.
const MISSING_WORDS = "[Uu]nable to (?:find|open)(?: file)?|[Cc]ould not find|[Cc]annot find|File not found:?";
// A model file's name, by its extension (weights, configs, exported engines, ggml/gguf).
const MODEL_FILE = "[^'\"\\s]*\\.(?:safetensors|bin|ckpt|pth?|gguf|ggml|onnx|engine|plan|trt|mlmodelc|torchscript)\\b";

// Not-found words of any tool (C++, Python, Go, ONNX Runtime's NO_SUCHFILE, a hub's "no longer available").
const NOT_FOUND =
  "No such file or directory|no such file or directory|NO_SUCHFILE|does not exist|doesn't exist|" +
  "not found|FileNotFoundError|[Cc]annot find|[Cc]ould not find|cannot be found|no longer available|is missing|" +
  "do not exists?";
// A path that looks like a model's: a weights extension, or a directory models are kept in (models/, a hub cache).
const MODEL_DIR = "[\\\\/](?:pretrained_models|[Mm]odels?|checkpoints?|weights|hub|cache|\\.ollama)[\\\\/]";
const MODEL_PATH = `${MODEL_FILE}|${MODEL_DIR}`;
const HUB_NAME = "(?:Civitai|CivitAI|civitai|Hugging ?Face|ModelScope|modelscope)";

export const modelNotFound: Cause = {
  id: "model_not_found",
  restartHelps: false,
  regexes: [
    /is not a local folder and is not a valid model identifier/,
    /RepositoryNotFoundError/,
    // vLLM: the name is neither a hub repository nor a local folder with a config in it.
    /Invalid repository ID or local directory specified|Could not detect config format for no config file found/,
    // huggingface_hub's 401/403/404, each on the line after its exception's name. Not `Revision Not Found`: diffusers
    // asks for a model's fp16 revision first and goes on without it (RevisionNotFoundError names a real one).
    /(?:Repository|Entry|Bucket) Not Found for url/,
    new RegExp(`(?<!Revision )Not Found for url: ${HUB_URL}`),
    /Cannot access repository for url |Cannot access content at: |Make sure your token has the correct permissions/,
    /is not a valid git identifier \(branch name, tag name or commit id\)/,
    /Error: [Mm]odel '[^']+' not found/,
    new RegExp(`${NOT_A_FALLBACK}Error no file named `),
    /Unable to load weights from checkpoint file/,
    // Also inside a JSON error with its quotes escaped (`model \"nomic-embed-text\" not found`).
    /model \\?['"][^'"\\]+\\?['"] not found, try pulling it first/,
    // Ollama's Python client (`model 'qwen2.5:0.5b' not found (status code: 404)`).
    /[Mm]odel '[^']+' not found \(status code: 404\)/,
    /pull model manifest: (?:file does not exist|model not found)/,
    new RegExp(`${NOT_A_FALLBACK}No such file or directory: .*(?:\\.(?:${WEIGHTS_EXT})|config\\.json)'`),
    // ENOENT on any file under a models directory (a TTS model's yaml, a tokenizer): the model is not all there.
    new RegExp(`${NOT_A_FALLBACK}No such file or directory: '[^']*(?:${MODELS_DIRNAME})\\/[^']*'`),
    // The same in C++ and other tools' words: a path under a models directory, then ENOENT or "not found".
    /["'][^"'\s]*\/(?:pretrained_models|[Mm]odels?|checkpoints?|weights)\/[^"'\s]*["']: No such file or directory/,
    /(?:pretrained_models|[Mm]odels?|checkpoints?)\/[^'"\s]+\.(?:yaml|json|txt) not found/,
    // ggml's loaders (gguf, whisper.cpp) name the path they could not open.
    /(?:_from_file[a-z_]*|_model_load): failed to open/,
    // CTranslate2's reader (faster-whisper) of a file of the model directory.
    new RegExp(`Failed to open file: \\S*(?:${MODEL_DIR})`),
    // A model file named as missing, in any tool's words (Triton, Kokoro, ModelScope, A1111).
    new RegExp(`${NOT_A_FALLBACK}(?:${MISSING_WORDS}) '?${MODEL_FILE}`),
    new RegExp(`${MODEL_FILE}'? (?:does |do |is )?not exists?|${MODEL_FILE}: No such file or directory`),
    // ComfyUI's validation of a loader's file name against the files it has, openai-whisper's and faster-whisper's.
    new RegExp(`${MODEL_FILE}' not in \\[`),
    /Model \S+ not found; available models|Invalid model size '/,
    // Xinference's launch of a model name its registry does not have.
    /Model not found, name: /,
    // Wan2GP's downloader; Triton's repository without the model's file (`Internal: failed to stat file ...`).
    /\bMissing model [\w.-]+$|Internal: failed to stat file /,
    // ONNX Runtime gives ENOENT by number.
    /Load model from \S+ failed: ?system error number 2\b/,
    // CosyVoice's model directory holds none of its configs (cosyvoice.yaml, cosyvoice2.yaml, ...).
    /No valid model type found!/,
    // Also a node's own count of a kind it needs (`No Stable Video Diffusion checkpoints found. Please download`).
    /No (?:[\w-]+ )*checkpoints found|[Cc]an.t run without a checkpoint/,
    /Incorrect path_or_model_id/,
    // TensorFlow's status text for a file it could not open (`Not found: output_model.pb; No such file or directory`);
    // nltk's data package (`Resource punkt not found.`).
    /Not found: \S+; No such file or directory/,
    /Resource \w+ not found\./,
    // Kaldi's (Vosk's) reader of a model directory's config files.
    /Cannot open config file: \S*[Mm]odels?\//,
    // huggingface_hub reads a local path that does not exist as a repo id, and refuses it as one.
    /Repo id must use alphanumeric chars|Repo id must be in the form|HFValidationError: Repo id/,
    // ModelScope's (FunASR's) check of a name it is handed: `Invalid repo_id: model, must be of format namespace/name`.
    /Invalid repo_id: \S+ must be of format/,
    /Too many users have viewed or downloaded this file recently|Cannot retrieve the public link of the file/,
    // GitHub refuses a repository's LFS files (the model weights) when its owner's budget is spent.
    /exceeded its LFS budget/,
    // sentence-transformers handed a local path that is not there.
    /FileNotFoundError: Path \S+ not found/,
    /requires you to be logged in to download|needs to be logged in to download/,
    /requires? (?:a )?login to download|access requires login|reason=download-auth/,
    /[Mm]odel file (?:doesn't|does not|do not) exists?|[Mm]odel path (?:doesn't|does not|do not) exists?/,
    // fairseq's checkpoint loader; Triton asked for a model none of its repositories holds.
    /[Mm]odel file not found: |not found in any model repository/,
    // A model's config or folder named missing (Piper: `Model config doesn't exist`; `Model folder X doesn't exist.`).
    /[Mm]odel (?:config|folder|directory|dir) [^\n]*doesn't exist/,
    /[Mm]odel (?:config|folder|directory|dir) [^\n]*does not exist/,
    /Missing [^'"\s]*\.(?:safetensors|bin|ckpt|pth?|gguf|onnx)\b/,
    /[Mm]issing (?:required )?model files?\b/,
    // insightface's FaceAnalysis found no detection model in its models directory (antelopev2, buffalo_l).
    /assert 'detection' in self\.models/,
    /Can't load (?:tokenizer|config|the model|image processor|feature extractor|processor) for '/,
    /Can't load tokenizer using from_pretrained/,
    /Can't load the configuration of '/,
    /OSError: file \S+\/config\.json not found/,
    /GatedRepoError|Cannot access gated repo|trying to access a gated repo/,
    // ModelScope's and the hubs' "not there or private": a wrong name, a removed model, or a login needed.
    /NotExistError|RevisionNotFoundError|has no revision: |NoValidRevisionError/,
    /may not exist or (?:may be|is) +private/,
    // ModelScope's hub for a name it does not have, when a download asked for it (ms-swift's lookup of the name
    // `unknown` for its metadata says the same and goes on); GitHub's answer to a clone of a repository that is gone or
    // private.
    /failed!: The request model: \S+ does not exist/,
    /Password authentication is not supported for Git operations/,
    // ModelScope's 401: a token that is not there or not valid, for a model that needs one.
    /[Aa]uthentication token (?:is invalid|does not exist), failed to access /,
    /Authentication token does not exist or invalid/,
    /\b40[134] Client Error\. \(Request ID: /,
    // A hub's 401/403/404: the name is wrong, the model was removed, or it needs a login (gated).
    new RegExp(`\\b40[0134] Client Error: [^\\n]*for url: ${HUB_URL}`),
    new RegExp(`Client error '40[134] [^']*' for url '${HUB_URL}`),
    // The same on any host when the URL is a model file's (a vendor's own storage).
    new RegExp(`\\b40[134] Client Error: [^\\n]*for url: ${MODEL_FILE}`),
    // Download tools' own words for a 401/403/404: wget, curl.
    /server returned error: HTTP\/\d(?:\.\d)? 40[134]\b|ERROR 40[134]: (?:Not Found|Forbidden|Unauthorized)/,
    /The requested URL returned error: 40[134]\b/,
    // Civitai: the model needs an API key (a login) or the API refused it.
    /requires a personal CivitAI API key|API Status Code 40[134]\)/,
    /(?<!Local)EntryNotFoundError/,
    /no version is available|Not loaded: No model version/,
    // A model store or an inference server asked for a model it does not hold (BentoML, ModelScope, Riva, Triton).
    // ModelScope names a hub id (`namespace/name`); a tool asking for a placeholder (`unknown`) is not this.
    /[Nn]o [Mm]odels? with name '|The request model: \S+\/\S+ does not exist|Repo \S+\/\S+ not exists on either/,
    /Unavailable model requested|Request for unknown model/,
    // TensorFlow Serving's model directory is not there.
    /Could not find base path /,
    // Rust's hf-hub crate (mistral.rs, candle, text-embeddings-inference): the hub answered 401/403/404.
    /RequestError\(Status\(40[134], /,
    // A hub's address answered 401/403/404 (pget, Go and Rust download tools), and Civitai Helper's words.
    new RegExp(`${HUB_URL}\\S*:? 40[134] (?:Not Found|Forbidden|Unauthorized)`),
    /[Gg]et error code: 40[134]\b/,
    // ComfyUI's check of a loader's file against the files it has, when the name is no file (`'None' not in []`).
    /Value not in list: (?:ckpt|lora|vae|unet|clip|control_net|upscale_model|model)_name: /,
    // A service that raises FileNotFoundError with the model's path variable (`FileNotFoundError(pretrained_s2G)`).
    /FileNotFoundError\([\w.]*(?:pretrained|model|ckpt|checkpoint|weights)/,
    // A pipeline or model the hub will not hand out without a login (pyannote's gated pipelines).
    /Could not download '[^']+' (?:pipeline|model)|(?:is|be) private or gated/,
    // Extensions that find no model of a kind and ask for one (AnimateDiff's motion modules), a 401 on download.
    /No [\w ]{0,30}models? found\. Please download|[Pp]lease download (?:the )?models? manually/,
    /Unauthorized download \(401\)/,
    // huggingface_hub's cache directory (HF_HUB_CACHE) is not there: nothing was downloaded to it.
    /Cache directory not found: /,
    // insightface's downloader says so when the URL answered with an HTTP error (a release asset that is gone).
    new RegExp(`Failed downloading url ${HUB_URL}`),
    // git asked a hub for a model repository that is not there (a wrong name: `.../info/refs not valid`).
    new RegExp(`${HUB_URL}\\S*\\/info\\/refs not valid: is this a git repository`),
    // Xinference asked for a model uid it does not run; a client's download that the hub answered 401/403/404;
    // InvokeAI's start-up check of its model files; a gated model and no token to ask for it.
    /Model not found, uid: |One or more necessary files is missing from your InvokeAI root/,
    // wyoming-piper: a voice (a Piper model) it has not and cannot download.
    /VoiceNotFoundError/,
    // An OpenAI-compatible server asked for a model it does not serve (vLLM); Ollama's 404 for a model not pulled.
    /The model `[^`]+` does not exist/,
    /\[GIN\] [^|]* \| 404 \|[^\n]*POST +"\/(?:api\/(?:generate|chat|embed|embeddings)|v1\/(?:chat\/)?\w+)"/,
    // A loader's own check that the checkpoint is there (`assert os.path.isfile(checkpoint_path)`); Civitai's key.
    /assert os\.path\.(?:isfile|exists)\([\w.]*(?:model|ckpt|checkpoint|weight)|add API key to download this model/,
    // Rust's reqwest (Tabby's downloader): the hub's 401/403/404 for the file.
    new RegExp(`(?<=${HUB_URL}[^\\n]*)HTTP status client error \\(40[134]`),
    new RegExp(`Failed to download \\S+ from ${HUB_URL}\\S*: 40[134]\\b`),
    /LocalTokenNotFoundError|Token is required \(`token=True`\), but no token found/,
  ],
  // A 401/403/404 said on a line of its own after the request that got it (Civitai Helper: `GET Request failed with
  // error code:`, then `404: Not Found`), or by requests in a read that names the hub.
  weak: {
    // requests' HTTPError with its URL cut off, in a traceback through huggingface_hub.
    regexes: [
      /^ *40[134]: Not Found$/,
      /^ *40[134]: Forbidden$/,
      /^ *40[134]: Unauthorized$/,
      /HTTPError: 40[134] Client Error/,
      // urllib's, in a downloader's own report (sherpa-onnx: `Downloading 'vits-piper-...'`, then `Failed: HTTP
      // Error 401: Unauthorized`).
      /HTTP Error 40[134]: /,
    ],
    evidence: [/[Rr]equest failed with (?:error|status) code/, /site-packages\/huggingface_hub\//, /[Dd]ownloading '/],
  },
  // The mechanism in any wording: not-found words and a model-like path (or a hub's name) in one line, named only
  // when no line names a cause outright. Not a library's fallback to another file format.
  carriers: [
    // transformers' and diffusers' words for a file the hub did not hand out: also said when the hub could not be
    // reached at all (a network failure in the same read is then the cause).
    new RegExp(`${NOT_A_FALLBACK}does not appear to have (?:a file|files) named`),
    // Not a warning (Megatron's `WARNING: could not find the metadata file .../checkpoints/...`: a run from scratch).
    new RegExp(
      `${GOES_ON}${NOT_A_FALLBACK}(?:${NOT_FOUND})[^\\n]*(?:${MODEL_PATH})|` +
        `${GOES_ON}(?:${MODEL_PATH})[^\\n]*(?:${NOT_FOUND})`,
    ),
    // A hub that says the model is gone; not ModelScope asked for a placeholder name (`The request model: unknown`).
    new RegExp(`(?:not found|no longer available|not available) on ${HUB_NAME}|${HUB_NAME}: Resource not found`),
    // Downloaders' own words for a URL that refused them (wget, aria2c): in a model service's log, the weights.
    /awaiting response\.\.\. (?:401|403|404) |Username\/Password Authentication Failed|errorCode=24 Authorization/,
    // A storage bucket's refusal as a model downloader reports it (fastembed's 403 from its bucket).
    /You do not have permission to access this resource/,
    new RegExp(`${NOT_A_FALLBACK}No such file or directory: ["'][^"'\\n]*(?:model|ckpt|checkpoint)[^"'\\n]*["']`),
  ],
  // A missing file with its fallback on the same line (SD.Next: `Checkpoint model.ckpt not found; loading fallback
  // v1-5-pruned-emaonly.safetensors`): the service loads another model and goes on, which is not a failure.
  // Fooocus: `Failed to load config key: {...} is invalid or does not exist; will use {...} instead`; NeMo: `Megatron
  // num_microbatches_calculator not found, using Apex version.`
  // diffusers and InvokeAI ask for a model's fp16 revision first, and take the main one when it is not there.
  excuses: [
    /[Ll]oading fallback|[Uu]sing (?:the )?fallback|[Ff]alling back to/,
    /; will use \S/,
    / not found, using |not found, skipping/,
    // A processor's config not on the hub, and the defaults taken instead (VibeVoice).
    /^Using default configuration$/,
    /Invalid rev id: fp16/,
    // diffusers looks for the safetensors file first and says so when it loads the .bin instead.
    /^\S+\.safetensors not found$/,
  ],
  // A1111 builds the model without weights first and, when that fails, builds it the slow way.
  recoveries: [/Failed to create model quickly; will retry using slow method/],
  text: t(
    [
      "the model (or its weights) was not found at the configured name or path, or the hub refused it (401/403/404)",
      "check the model name/path in the service's config; " +
        "download the weights (huggingface-cli download, ollama pull) or log in for gated models",
    ],
    [
      "在配置的名称或路径下找不到模型（或其权重文件），或模型仓库拒绝访问（401/403/404）",
      "检查服务配置中的模型名称/路径；下载权重（huggingface-cli download、ollama pull），受限模型需先登录",
    ],
  ),
};
