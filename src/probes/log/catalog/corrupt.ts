/**
 * A model's files that are corrupt or cut short (a download that stopped, a disk that filled, an HTML page saved in
 * a model file's place): the file must be fetched again; a restart alone does not fix it.
 */
import { type Cause, t } from "./types.js";

export const modelCorrupt: Cause = {
  id: "model_corrupt",
  restartHelps: false,
  regexes: [
    /SafetensorError/,
    /Error while deserializing header/,
    /invalid load key, /,
    /PytorchStreamReader failed reading/,
    /invalid (?:file )?magic (?:characters|number)|Error: invalid file magic/,
    // ggml's loaders (whisper.cpp, llama.cpp) check the file's first bytes.
    /[Bb]ad magic\b|Invalid magic in /,
    // ggml's loader read fewer tensors than the file's header counts (`expected 947, got 1`): a file cut short.
    /not all tensors loaded from model file/,
    // A1111 names the error of a checkpoint it could not unpickle in its task line, with no message.
    /model: UnpicklingError$/,
    /data is not within the file bounds/,
    /model is corrupted or incomplete/,
    // torch.load(weights_only=True) of a file that is not a checkpoint (a JSON, an HTML page); a download that is not
    // the archive it was named as.
    /WeightsUnpickler error: Unsupported operand/,
    // The same, its operand on a line of its own (60 is `<`: an HTML page saved as the checkpoint).
    /^Unsupported operand \d+$/,
    /gzip: stdin: not in gzip format/,
    // A JSON reader (nlohmann's, in piper and other C++ servers) handed an HTML page saved as a model's config.
    /parse error at line 1, column 1: [^\n]*last read: '<'/,
    /EOFError: Ran out of input/,
    /pickle data was truncated|pickle exhausted before seeing STOP/,
    // huggingface_hub's size check after a download that was cut short.
    /Consistency check failed: file should be of size|OSError: Consistency check failed/,
    // A file that ends before its header says it should (llama.cpp's old loader, tar and gzip on a cut download); not
    // a network client's `Unexpected end of file from server`.
    /unexpectedly reached end of file|(?:gzip|tar|zlib)\b[^\n]*[Uu]nexpected end of file/,
    /The file might be corrupted/,
    // sentencepiece could not parse a tokenizer model (a download cut short, or an HTML page saved in its place).
    /model_proto->ParseFromArray/,
    /INVALID_PROTOBUF/,
    /[Pp]rotobuf parsing failed/,
    // safetensors' header checks, a .pt that is not a zip archive, a download whose digest does not match.
    /HeaderTooLarge|MetadataIncompleteBuffer|InvalidHeaderDeserialization/,
    /BadZipFile|digest mismatch|[Cc]hecksum mismatch|[Ss][Hh][Aa]256 mismatch/,
    // Coqui's downloader (`Error: Bad zip file - https://...zip`); 7-Zip on a download that is no archive.
    /Error: Bad zip file|Can not open the file as archive/,
    /integrity check failed|the download may be incomplete/,
    // ModelScope: the file it got is shorter than the answer's Content-Length.
    /File \S+ download incomplete, content_length: /,
    // CTranslate2 (faster-whisper): a model.bin cut short, or converted by a newer CTranslate2 than the one running.
    /File \S+ is incomplete: failed to read|Unsupported model binary version/,
    // A digest that does not match, in any tool's order of words.
    /[Cc]hecksum (?:does not|does not not|doesn't|did not) match/,
    /(?:SHA|sha|MD5|md5)[0-9]* hash (?:does not match|mismatch)/,
    /\.(?:ckpt|safetensors|bin|pth?|gguf|onnx) hash mismatch/,
    /vocabulary is accessible and not corrupted/,
    // A tensor file shorter than its index says (ServerlessLLM: `read: 33554432 expected: 67108864`).
    /Failed to read file: [^\n]*read: \d+ expected: \d+/,
    // transformers: torch.load failed on the weights it found (a partial or damaged file).
    /Unable to load weights from pytorch checkpoint file/,
    // transformers and diffusers: a pointer file of git-lfs, or text, where the weights should be; a config that is no
    // JSON; ComfyUI's note on a safetensors file whose header it could not read.
    /without having git-lfs installed|which is necessary to load this pretrained model/,
    /config file at '[^']*' is not a valid JSON file/,
    /(?:safetensors|checkpoint|model|weights) file is (?:corrupt|incomplete|damaged)/,
    // A1111's safe unpickler on a checkpoint it could not unpickle at all.
    /The file is most likely corrupted|File may be corrupted or malicious/,
  ],
  // A file said invalid is what a failed download leaves too (Easy Diffusion: `The downloaded GFPGAN model file was
  // invalid! Bytes downloaded: 0` after curl's timeout): named only when no line says why.
  carriers: [/model file (?:was|is) invalid/],
  // A program that found the file bad and fetches it again (`... is invalid. Re-downloading..`).
  excuses: [/[Rr]e-?downloading/],
  // A model's file said to be corrupted, in any words.
  broad: [
    /(?:[Mm]odel|[Cc]heckpoint|[Ww]eights|[Vv]ocabulary|safetensors)[^\n]*corrupted\b/,
    /corrupted[^\n]*(?:model|checkpoint|weights|safetensors)/,
  ],
  text: t(
    [
      "a model file is corrupt or incomplete (an interrupted download, or a web page saved as the model), " +
        "or in a format the runtime that reads it does not know (newer, or an old one it dropped)",
      "delete the file and download it again (check its size or sha256 against the hub); " +
        "with git, install git-lfs first; for a newer format, upgrade the runtime (CTranslate2) or convert again; " +
        "for an old one (a GGML .bin where llama.cpp reads GGUF), download or convert to the current format",
    ],
    [
      "模型文件损坏或不完整（下载中断，或把网页保存成了模型文件），或其格式读取它的运行库不认识（更新的格式，或已弃用的旧格式）",
      "删除该文件并重新下载（对照模型仓库核对大小或 sha256）；用 git 下载时先安装 git-lfs；" +
        "格式较新时升级运行库（CTranslate2）或重新转换；旧格式（llama.cpp 读 GGUF 时的 GGML .bin）请下载或转换为当前格式",
    ],
  ),
};
