/**
 * Probe summaries are written in English by the probes (they are also the log's and the table's words); a zh-CN
 * message translates them here, phrase by phrase, so a Chinese alert does not read "refused the connection".
 * Targets (host:port, URLs, patterns, model names) stay as they are. A summary no rule knows stays English: exec
 * plugins print their own words.
 */
const RULES: [RegExp, string][] = [
  // tcp
  [/ refused the connection \(nothing listening\?\)/g, " 拒绝连接（没有进程在监听？）"],
  [/ did not accept a connection within (\d+)ms/g, " 在 $1 毫秒内未接受连接"],
  [/: probe deadline reached before connecting/g, "：连接前已到探测时限"],
  [/ accepted the connection in (\d+)ms/g, " 已接受连接，耗时 $1 毫秒"],
  [/ reset the connection/g, " 重置了连接"],
  [/ is unreachable \(EHOSTUNREACH\)/g, " 不可达（EHOSTUNREACH）"],
  [/ could not be resolved \((\w+)\)/g, " 无法解析（$1）"],
  [/ timed out \(ETIMEDOUT\)/g, " 连接超时（ETIMEDOUT）"],
  // http
  [/ answered (\d{3}) in (\d+)ms/g, " 返回 $1，耗时 $2 毫秒"],
  [/: expected status (\S+)/g, "：期望状态码 $1"],
  [/: body does not contain /g, "：响应体不包含 "],
  [/: content type is (.+?), expected (.+)$/g, "：内容类型为 $1，期望 $2"],
  [/: body is (\d+) bytes, expected at least (\d+)/g, "：响应体只有 $1 字节，至少应有 $2 字节"],
  [/: body is not JSON/g, "：响应体不是 JSON"],
  [/: JSON does not match /g, "：JSON 与期望不符："],
  [/: JSON has no (\S+)/g, "：JSON 中没有 $1"],
  [/: JSON (\S+) is (.+?), expected (.+)$/g, "：JSON $1 为 $2，期望 $3"],
  [/: slower than (\d+)ms/g, "：慢于 $1 毫秒"],
  [/: TLS certificate /g, "：TLS 证书 "],
  // process
  [/^no process matches (.+?), as expected$/g, "没有进程匹配 $1，符合预期"],
  [/^no process matches (.+?)(;|$)/g, "没有进程匹配 $1$2"],
  [/^(\d+) process(?:es)? match (.+?) \(pid ([^)]+)\), fewer than (\d+)/g, "$1 个进程匹配 $2（pid $3），少于 $4 个"],
  [/^(\d+) process(?:es)? match (.+?) \(pid ([^)]+)\), more than (\d+)/g, "$1 个进程匹配 $2（pid $3），多于 $4 个"],
  [/^(\d+) process(?:es)? match (.+?): pid /g, "$1 个进程匹配 $2：pid "],
  [/^pidfile (\S+) does not exist \(not running\?\)/g, "pid 文件 $1 不存在（未运行？）"],
  // system
  [/\bdisk (\/\S*) ([\d.]+)%/g, "磁盘 $1 $2%"],
  [/\bmemory ([\d.]+)%/g, "内存 $1%"],
  [/\bload ([\d.]+)\/core/g, "负载 $1/核"],
  [/ \(critical at ([\d.]+)(%|\/core)\)/g, "（超过严重阈值 $1$2）"],
  [/ \(warning at ([\d.]+)(%|\/core)\)/g, "（超过警告阈值 $1$2）"],
  // exec
  [/ did not finish within (.+?) \(killed\)/g, " 未在 $1 内结束（已终止）"],
  [/: command not found/g, "：命令不存在"],
  [/ printed nothing$/g, " 没有输出"],
  [/ exited (-?\d+) \(not a plugin status\)/g, " 退出码 $1（不是插件状态码）"],
  // openai
  [/ does not serve model (\S+) \(serves: (.+)\)/g, " 未提供模型 $1（现有：$2）"],
  [/: GET \/models answered (\d+)/g, "：GET /models 返回 $1"],
  [/: chat completion answered (\d+)/g, "：对话补全返回 $1"],
  [/: (\S+) streamed no token in (\d+)ms/g, "：$1 在 $2 毫秒内未输出任何 token"],
  [/: no complete answer within (.+?) \((.+), after (\d+)ms\)/g, "：$1 内未得到完整回答（$2，已过 $3 毫秒）"],
  [/: first token in (\d+)ms, done in (\d+)ms/g, "：首个 token $1 毫秒，完成 $2 毫秒"],
  [/first token slower than /g, "首个 token 慢于 "],
  [/answer slower than /g, "回答慢于 "],
  [/ at (https?:\/\/\S+): /g, "（$1）："],
  // gpu
  [/nvidia-smi not found on PATH/g, "PATH 中找不到 nvidia-smi"],
  [/nvidia-smi did not answer in (.+?): GPU wedged\?/g, "nvidia-smi 在 $1 内无响应：GPU 卡死？"],
  [/NVIDIA driver not loaded/g, "NVIDIA 驱动未加载"],
  [/GPU lost: fallen off the bus or inaccessible/g, "GPU 丢失：已掉出总线或无法访问"],
  [/; reboot to recover/g, "；需重启机器恢复"],
  [/no GPU found/g, "未找到 GPU"],
  [/nvidia-smi listed no GPU/g, "nvidia-smi 未列出任何 GPU"],
  [/GPU missing: (\d+) of (\d+) found/g, "GPU 缺失：应有 $2 块，只找到 $1 块"],
  [/driver\/library version mismatch/g, "驱动与库版本不一致"],
  [/: reboot or reload the nvidia module after the driver upgrade/g, "：驱动升级后请重启或重新加载 nvidia 模块"],
  [/^(\d+) GPUs? ok/g, "$1 块 GPU 正常"],
  [/ has (\d+) MiB free, less than (\d+) MiB/g, " 只剩 $1 MiB 显存，少于 $2 MiB"],
  [/(GPU\s?\d+|gpu\d+) memory ([\d.]+)%/g, "$1 显存 $2%"],
];

/** summaryZh translates a probe summary into Chinese where a rule knows its phrases. */
export function summaryZh(summary: string): string {
  let out = summary;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out;
}
