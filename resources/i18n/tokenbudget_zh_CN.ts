<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>Cheapest model for this prompt</source>
        <extracomment>The estimate is the previous text&apos;s; the current one is being counted. The provider&apos;s exact count (then ``estimate`` is priced from it), or why there is none. Amounts in different currencies cannot be compared without a rate: sorting keeps each currency together, the most common one first. Each row&apos;s shown texts, made when first asked for after the row changed.</extracomment>
        <translation>此提示词最便宜的模型</translation>
    </message>
    <message>
        <source>cheapest</source>
        <translation>最便宜</translation>
    </message>
    <message>
        <source>{model} (retired)</source>
        <translation>{model}（已停用）</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>unpriced</source>
        <translation>未定价</translation>
    </message>
    <message>
        <source>The cheapest of the models shown for this prompt.</source>
        <translation>在显示的模型中，此提示词最便宜的一个。</translation>
    </message>
    <message>
        <source>Retired by its provider on {date}; kept to price past spend.</source>
        <translation>服务商已于 {date} 停用；保留它以便为过去的支出计价。</translation>
    </message>
    <message>
        <source>The tokenizer for this model is still loading.</source>
        <translation>此模型的分词器仍在加载。</translation>
    </message>
    <message>
        <source>Counting the changed text; this is the count before the change.</source>
        <translation>正在计算修改后的文本；这是修改前的计数。</translation>
    </message>
    <message>
        <source>No price is known for this model; it is not free.</source>
        <translation>此模型的价格未知；它并非免费。</translation>
    </message>
    <message>
        <source>Price from {source}, checked {date}.</source>
        <translation>价格来自 {source}，核对于 {date}。</translation>
    </message>
    <message>
        <source>Long-prompt price band: {band}.</source>
        <translation>长提示词价格档：{band}。</translation>
    </message>
    <message>
        <source>Off-peak price applied (Settings: use off-peak prices).</source>
        <translation>已按闲时价格计算（设置：使用闲时价格）。</translation>
    </message>
    <message>
        <source>Off-peak, outside the provider&apos;s peak hours: {total} in all.</source>
        <translation>闲时（服务商高峰时段以外）：共 {total}。</translation>
    </message>
    <message>
        <source>{window} tokens context window</source>
        <translation>上下文窗口 {window} Token</translation>
    </message>
    <message>
        <source>{provider} count failed: {reason}; showing the estimate ({method}).</source>
        <translation>{provider} 计数失败：{reason}；显示估算值（{method}）。</translation>
    </message>
    <message>
        <source>Exact from Anthropic&apos;s count endpoint, including the message frame (a few tokens).</source>
        <translation>来自 Anthropic 计数接口的精确值，包含消息框架（几个 Token）。</translation>
    </message>
    <message>
        <source>Exact from Anthropic&apos;s count endpoint, including the message frame (about {frame} tokens).</source>
        <translation>来自 Anthropic 计数接口的精确值，包含消息框架（约 {frame} 个 Token）。</translation>
    </message>
    <message>
        <source>Exact from {provider}&apos;s count endpoint.</source>
        <translation>来自 {provider} 计数接口的精确值。</translation>
    </message>
    <message>
        <source>counted when recorded</source>
        <translation>记录时计算</translation>
    </message>
    <message>
        <source>no price is known for this model</source>
        <translation>此模型没有已知价格</translation>
    </message>
    <message>
        <source>Not recorded: {why}</source>
        <translation>未记录：{why}</translation>
    </message>
    <message>
        <source>Recorded {model}: {tokens} tokens (no price known)</source>
        <translation>已记录 {model}：{tokens} Token（无已知价格）</translation>
    </message>
    <message>
        <source>Recorded {amount} for {model} ({tokens} tokens)</source>
        <translation>已为 {model} 记录 {amount}（{tokens} Token）</translation>
    </message>
    <message>
        <source>This device</source>
        <extracomment>Reads rows ``start`` to ``start + count`` of a row map (``EntriesService.page``). An entry&apos;s device when this device&apos;s name is not known.</extracomment>
        <translation>本设备</translation>
    </message>
    <message>
        <source>Recorded as {own}.</source>
        <translation>记录为 {own}。</translation>
    </message>
    <message>
        <source>No exchange rate for {currency}: shown in {currency}.</source>
        <translation>{currency} 没有汇率：以 {currency} 显示。</translation>
    </message>
    <message>
        <source>{short} for 5 minutes, {long} for 1 hour</source>
        <translation>5 分钟 {short}，1 小时 {long}</translation>
    </message>
    <message>
        <source>Assigned to this plan: it counts toward no other.</source>
        <translation>已分配到此套餐：不计入其他套餐。</translation>
    </message>
    <message>
        <source>Not assigned: it counts toward every active plan that covers it.</source>
        <translation>未分配：计入覆盖它的所有有效套餐。</translation>
    </message>
    <message>
        <source>No active plan covers this provider and model.</source>
        <translation>没有有效套餐覆盖此服务商和模型。</translation>
    </message>
    <message>
        <source>Recorded or imported on this device</source>
        <translation>在本设备上记录或导入</translation>
    </message>
    <message>
        <source>Recorded or imported on {name} (device {id})</source>
        <translation>在 {name} 上记录或导入（设备 {id}）</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>备注：{note}</translation>
    </message>
    <message>
        <source>Prompt: {prompt}</source>
        <translation>提示词：{prompt}</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <extracomment>Accent colours by level (bar chunk, card edge, level chip text). The figures under the bars, in the order shown (``PlanCardWidget.stats`` keys).</extracomment>
        <translation>月度预算</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>Prepaid balance</source>
        <translation>预付余额</translation>
    </message>
    <message>
        <source>since {day}</source>
        <translation>自 {day} 起</translation>
    </message>
    <message>
        <source>{first} – {last}</source>
        <translation>{first} – {last}</translation>
    </message>
    <message>
        <source>resets in {time}</source>
        <translation>{time}后重置</translation>
    </message>
    <message>
        <source>all providers</source>
        <translation>所有服务商</translation>
    </message>
    <message>
        <source>nothing used in this window</source>
        <translation>此时间窗口内未使用</translation>
    </message>
    <message>
        <source>cap passed {when}</source>
        <translation>已于 {when} 超出上限</translation>
    </message>
    <message>
        <source>full {when} at this rate</source>
        <translation>按此速度将于 {when} 用满</translation>
    </message>
    <message>
        <source>{used} of {limit}</source>
        <translation>{used} / {limit}</translation>
    </message>
    <message>
        <source>{amount} left</source>
        <translation>剩余 {amount}</translation>
    </message>
    <message>
        <source>5-hour window</source>
        <translation>5 小时窗口</translation>
    </message>
    <message>
        <source>Weekly window</source>
        <translation>每周窗口</translation>
    </message>
    <message numerus="yes">
        <source>%n-day window</source>
        <translation>
            <numerusform>%n 天窗口</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n-hour window</source>
        <translation>
            <numerusform>%n 小时窗口</numerusform>
        </translation>
    </message>
    <message>
        <source>{window} · {tool}</source>
        <translation>{window} · {tool}</translation>
    </message>
    <message>
        <source>official: {percent} before the {reset} reset · stale</source>
        <translation>官方：{reset} 重置前为 {percent} · 已过时</translation>
    </message>
    <message>
        <source>official: {percent}</source>
        <translation>官方：{percent}</translation>
    </message>
    <message>
        <source>reset {time}</source>
        <translation>{time} 重置</translation>
    </message>
    <message>
        <source>seen {ago}</source>
        <translation>{ago}看到</translation>
    </message>
    <message>
        <source>estimated from logs: {percent}</source>
        <translation>根据日志估算：{percent}</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{time} ago</source>
        <translation>{time}前</translation>
    </message>
    <message>
        <source>{time} tomorrow</source>
        <translation>明天 {time}</translation>
    </message>
    <message>
        <source>{day} {time}</source>
        <translation>{day} {time}</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>{fee} a month</source>
        <translation>每月 {fee}</translation>
    </message>
    <message>
        <source>API-equivalent value {value} vs fee {fee}</source>
        <translation>按 API 计价价值 {value}，费用 {fee}</translation>
    </message>
    <message>
        <source>({ratio}×)</source>
        <translation>({ratio}×)</translation>
    </message>
    <message>
        <source>{spent} of {limit}</source>
        <translation>{spent} / {limit}</translation>
    </message>
    <message>
        <source>Spent</source>
        <translation>已支出</translation>
    </message>
    <message>
        <source>none: over by {amount}</source>
        <translation>无：超出 {amount}</translation>
    </message>
    <message>
        <source>Remaining</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>{amount} a day</source>
        <translation>每天 {amount}</translation>
    </message>
    <message>
        <source>{amount} a day at API prices</source>
        <translation>按 API 价格每天 {amount}</translation>
    </message>
    <message>
        <source>too early to project</source>
        <translation>时间太早，无法预测</translation>
    </message>
    <message>
        <source>Burn rate</source>
        <translation>消耗速度</translation>
    </message>
    <message>
        <source>By {day}</source>
        <translation>至 {day}</translation>
    </message>
    <message>
        <source>({percent} of budget)</source>
        <translation>(预算的 {percent})</translation>
    </message>
    <message>
        <source>at API prices</source>
        <translation>按 API 价格</translation>
    </message>
    <message>
        <source>Balance runs out</source>
        <translation>余额用尽于</translation>
    </message>
    <message>
        <source>Cap reached</source>
        <translation>已达上限</translation>
    </message>
    <message>
        <source>Balance ran out</source>
        <translation>余额已用尽</translation>
    </message>
    <message>
        <source>Cap passed</source>
        <translation>已超出上限</translation>
    </message>
    <message>
        <source>not at this rate</source>
        <translation>按此速度不会达到</translation>
    </message>
    <message>
        <source>({cap})</source>
        <translation>({cap})</translation>
    </message>
    <message numerus="yes">
        <source>%n unpriced entries are not in the spend.</source>
        <translation>
            <numerusform>%n 个未定价条目未计入支出。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{mark} %n entries converted with exchange rates.</source>
        <translation>
            <numerusform>{mark} %n 个条目按汇率折算。</numerusform>
        </translation>
    </message>
    <message>
        <source>Paused: not counted in status or alerts.</source>
        <translation>已暂停：不计入状态和提醒。</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Monthly {what}</source>
        <translation>每月 {what}</translation>
    </message>
    <message>
        <source>{window}, {what}</source>
        <translation>{window}，{what}</translation>
    </message>
    <message>
        <source>{days} d {hours} h</source>
        <translation>{days} 天 {hours} 小时</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} 小时 {minutes} 分钟</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} 分钟</translation>
    </message>
    <message>
        <source>d MMM</source>
        <translation>M月d日</translation>
    </message>
    <message>
        <source>d MMM yyyy</source>
        <translation>yyyy年M月d日</translation>
    </message>
    <message>
        <source>at {time} today</source>
        <translation>今天 {time}</translation>
    </message>
    <message>
        <source>at {time} yesterday</source>
        <translation>昨天 {time}</translation>
    </message>
    <message>
        <source>on {day}</source>
        <translation>{day}</translation>
    </message>
    <message>
        <source>around {time} today</source>
        <translation>今天 {time} 左右</translation>
    </message>
    <message>
        <source>around {time} tomorrow</source>
        <translation>明天 {time} 左右</translation>
    </message>
    <message>
        <source>around {day}</source>
        <translation>{day} 左右</translation>
    </message>
    <message>
        <source>e.g. OpenAI API, Claude Max, DeepSeek 充值</source>
        <translation>例如 OpenAI API、Claude Max、DeepSeek 充值</translation>
    </message>
    <message>
        <source>Pay-as-you-go budget</source>
        <translation>按量付费预算</translation>
    </message>
    <message>
        <source>Optional: warn below this balance</source>
        <translation>可选：余额低于此值时提醒</translation>
    </message>
    <message>
        <source>Paused (kept, but left out of status)</source>
        <translation>已暂停（保留，但不计入状态）</translation>
    </message>
    <message>
        <source>In months shorter than this, the period starts on the last day.</source>
        <translation>在天数少于此日的月份，周期从最后一天开始。</translation>
    </message>
    <message>
        <source>No monthly cap</source>
        <translation>无月度上限</translation>
    </message>
    <message>
        <source>Tokens: no cap</source>
        <translation>Token：无上限</translation>
    </message>
    <message>
        <source>Requests: no cap</source>
        <translation>请求：无上限</translation>
    </message>
    <message>
        <source>Other windows, e.g. 24h:requests=500</source>
        <translation>其他窗口，例如 24h:requests=500</translation>
    </message>
    <message>
        <source>All providers, or e.g. anthropic, openai</source>
        <translation>所有服务商，或例如 anthropic, openai</translation>
    </message>
    <message>
        <source>All models, or patterns like claude-*</source>
        <translation>所有模型，或类似 claude-* 的模式</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Add plan</source>
        <translation>添加套餐</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>套餐</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>货币</translation>
    </message>
    <message>
        <source>Low balance</source>
        <translation>余额不足</translation>
    </message>
    <message>
        <source>Alert at (%)</source>
        <translation>提醒阈值（%）</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>周期</translation>
    </message>
    <message>
        <source>Starts on day</source>
        <translation>起始日</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>时区</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Usage limits</source>
        <translation>用量限制</translation>
    </message>
    <message>
        <source>Tokens a month</source>
        <translation>每月 Token</translation>
    </message>
    <message>
        <source>Other windows</source>
        <translation>其他窗口</translation>
    </message>
    <message>
        <source>Counts spend of</source>
        <translation>统计以下支出</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Entries recorded for this plan always count; other entries count when they match both lists.</source>
        <translation>为此套餐记录的条目始终计入；其他条目同时匹配两个列表时计入。</translation>
    </message>
    <message>
        <source>Cannot be read (permission denied): {roots}</source>
        <translation>无法读取（权限被拒绝）：{roots}</translation>
    </message>
    <message>
        <source>Not found — looked in {roots}</source>
        <translation>未找到 — 查找位置：{roots}</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从未</translation>
    </message>
    <message numerus="yes">
        <source>%Ln unpriced</source>
        <translation>
            <numerusform>%Ln 个未定价</numerusform>
        </translation>
    </message>
    <message>
        <source>totals per session</source>
        <translation>按会话汇总</translation>
    </message>
    <message numerus="yes">
        <source>%Ln lines skipped</source>
        <translation>
            <numerusform>跳过 %Ln 行</numerusform>
        </translation>
    </message>
    <message>
        <source>Import what the tool writes as it writes it, while tokenbudget runs.</source>
        <translation>在 tokenbudget 运行时，实时导入该工具写入的内容。</translation>
    </message>
    <message>
        <source>{path} (found)</source>
        <translation>{path}（已找到）</translation>
    </message>
    <message>
        <source>{path} (not there)</source>
        <translation>{path}（不存在）</translation>
    </message>
    <message>
        <source>{tool}&apos;s logs were not found on this computer, so live sync has nothing to watch. It can be switched once they are.</source>
        <translation>在这台电脑上未找到 {tool} 的日志，因此实时同步无可监视。找到后即可开启。</translation>
    </message>
    <message>
        <source>{tool} logs only one total per session, so each of its entries is a whole session, not a single request.</source>
        <translation>{tool} 每个会话只记录一个总计，因此它的每个条目是整个会话，而不是单个请求。</translation>
    </message>
    <message>
        <source>Select the row to see the lines its last import skipped.</source>
        <translation>选择该行以查看上次导入跳过的行。</translation>
    </message>
    <message>
        <source>Entries of models without a known price are counted apart: they are not free.</source>
        <translation>价格未知的模型的条目单独统计：它们并非免费。</translation>
    </message>
    <message>
        <source>{rate} {code} per USD (your rate, set {date})</source>
        <translation>每 1 USD 兑 {rate} {code}（你的汇率，设于 {date}）</translation>
    </message>
    <message>
        <source>{rate} {code} per USD ({source} reference rate, {date})</source>
        <translation>每 1 USD 兑 {rate} {code}（{source} 参考汇率，{date}）</translation>
    </message>
    <message>
        <source>Converted from the price&apos;s own currency.</source>
        <translation>由价格本身的货币折算。</translation>
    </message>
    <message>
        <source>Converted at {rates}.</source>
        <translation>按 {rates} 折算。</translation>
    </message>
    <message>
        <source>&amp;Estimate window</source>
        <extracomment>The views&apos; size when the screen has room for it.</extracomment>
        <translation>估算窗口(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Budgets</source>
        <translation>预算(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>历史记录(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Sources…</source>
        <translation>来源(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>{plan}: {share} of {cap}</source>
        <translation>{plan}：已用 {cap} 的 {share}</translation>
    </message>
    <message>
        <source>The cap is reached.</source>
        <translation>已达上限。</translation>
    </message>
    <message>
        <source>Past the {threshold} threshold.</source>
        <translation>已超过 {threshold} 阈值。</translation>
    </message>
    <message>
        <source>Resets {when}.</source>
        <translation>{when}重置。</translation>
    </message>
</context>
<context>
    <name>BudgetsView</name>
    <message>
        <source>Budgets</source>
        <extracomment>Cards are never narrower than this; the grid has as many columns as fit. A balance check is a few HTTP requests: a daemon thread each, which never holds up quitting. The latest balance per provider (shown again when cards are rebuilt). The dialog open now, if any (so tests and callers can reach it).</extracomment>
        <translation>预算</translation>
    </message>
    <message>
        <source>Add plan…</source>
        <translation>添加套餐…</translation>
    </message>
    <message>
        <source>No plans yet</source>
        <translation>还没有套餐</translation>
    </message>
    <message>
        <source>A plan is what you pay under: a monthly API budget, a subscription with its usage limits (tokens a month, a 5-hour or weekly window), or a prepaid balance. Add one to see what you have spent against it, how fast, and when you will reach its cap.</source>
        <translation>套餐就是你付费的方式：每月的 API 预算、带用量限制（每月 Token、5 小时或每周窗口）的订阅，或预付余额。添加一个套餐，即可查看你已花费多少、花得多快，以及何时会达到上限。</translation>
    </message>
    <message>
        <source>Add your first plan…</source>
        <translation>添加第一个套餐…</translation>
    </message>
    <message>
        <source>The plans cannot be shown: {error}</source>
        <translation>无法显示套餐：{error}</translation>
    </message>
    <message numerus="yes">
        <source>%n plans · as of {time}</source>
        <translation>
            <numerusform>%n 个套餐 · 截至 {time}</numerusform>
        </translation>
    </message>
    <message>
        <source>The plan is gone</source>
        <translation>该套餐已不存在</translation>
    </message>
    <message>
        <source>The plan was not saved</source>
        <translation>套餐未保存</translation>
    </message>
    <message>
        <source>Remove plan</source>
        <translation>删除套餐</translation>
    </message>
    <message>
        <source>The plan was not removed</source>
        <translation>套餐未删除</translation>
    </message>
    <message>
        <source>Remove the plan “{name}”?

No spend is deleted: every entry stays in the ledger and in the history.</source>
        <translation>删除套餐“{name}”？

不会删除任何支出：所有条目都保留在账本和历史记录中。</translation>
    </message>
    <message numerus="yes">
        <source>The %n entries recorded for this plan become unassigned, and then count toward any other plan that covers their provider and model.</source>
        <translation>
            <numerusform>为此套餐记录的 %n 个条目将变为未分配，之后计入覆盖其服务商和模型的任何其他套餐。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChartsMixin</name>
    <message>
        <source>The charts are not available: {why}</source>
        <translation>图表不可用：{why}</translation>
    </message>
    <message>
        <source>{amount} has no exchange rate to {currency}</source>
        <translation>{amount} 没有到 {currency} 的汇率</translation>
    </message>
    <message numerus="yes">
        <source>%Ln unpriced entries</source>
        <translation>
            <numerusform>%Ln 个未定价条目</numerusform>
        </translation>
    </message>
    <message>
        <source>Not in the bars: {what}.</source>
        <translation>未计入柱状图：{what}。</translation>
    </message>
    <message>
        <source>{mark}: converted with your exchange rates or the ECB&apos;s of the day.</source>
        <translation>{mark}：按你的汇率或当日欧洲央行汇率折算。</translation>
    </message>
    <message>
        <source>The charts follow the provider, model, plan, source, project and device filters.</source>
        <translation>图表跟随服务商、模型、套餐、来源、项目和设备筛选条件。</translation>
    </message>
    <message>
        <source>The charts follow the provider, model, plan, source and project filters.</source>
        <translation>图表跟随服务商、模型、套餐、来源和项目筛选条件。</translation>
    </message>
</context>
<context>
    <name>CoreMessages</name>
    <message>
        <source>amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>low balance</source>
        <translation>余额提醒值</translation>
    </message>
    <message>
        <source>monthly token cap</source>
        <translation>每月 Token 上限</translation>
    </message>
    <message>
        <source>reset day</source>
        <translation>重置日</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>start</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>5-hour token cap</source>
        <translation>5 小时 Token 上限</translation>
    </message>
    <message>
        <source>5-hour request cap</source>
        <translation>5 小时请求上限</translation>
    </message>
    <message>
        <source>weekly token cap</source>
        <translation>每周 Token 上限</translation>
    </message>
    <message>
        <source>weekly request cap</source>
        <translation>每周请求上限</translation>
    </message>
    <message>
        <source>{key} cap of the {window} window</source>
        <translation>{window} 窗口的 {key} 上限</translation>
    </message>
    <message>
        <source>{what} &apos;{text}&apos; is not a number</source>
        <translation>{what}“{text}”不是数字</translation>
    </message>
    <message>
        <source>{what} &apos;{text}&apos; is not a finite number</source>
        <translation>{what}“{text}”不是有限的数字</translation>
    </message>
    <message>
        <source>{what} must be a whole number</source>
        <translation>{what}必须是整数</translation>
    </message>
    <message>
        <source>{what} must be greater than 0</source>
        <translation>{what}必须大于 0</translation>
    </message>
    <message>
        <source>{what} must be 0 or more</source>
        <translation>{what}必须为 0 或以上</translation>
    </message>
    <message>
        <source>{what} must be at most {high}</source>
        <translation>{what}最多为 {high}</translation>
    </message>
    <message>
        <source>{what} must be between {first} and {last}, not {value}</source>
        <translation>{what}必须在 {first} 到 {last} 年之间，而不是 {value}</translation>
    </message>
    <message>
        <source>unknown field</source>
        <translation>未知字段</translation>
    </message>
    <message>
        <source>a plan needs a name</source>
        <translation>套餐需要名称</translation>
    </message>
    <message>
        <source>keep the name under 80 characters</source>
        <translation>名称请少于 80 个字符</translation>
    </message>
    <message>
        <source>a plan named &apos;{name}&apos; already exists</source>
        <translation>已有名为“{name}”的套餐</translation>
    </message>
    <message>
        <source>kind is budget, subscription or prepaid</source>
        <translation>类型为预算、订阅或预付</translation>
    </message>
    <message>
        <source>unknown currency &apos;{text}&apos; (known: {known})</source>
        <translation>未知货币“{text}”（可用：{known}）</translation>
    </message>
    <message>
        <source>reset day is a day of the month, 1 to 31</source>
        <translation>重置日是每月中的一天，1 到 31</translation>
    </message>
    <message>
        <source>unknown time zone &apos;{text}&apos; (use a name like Asia/Shanghai)</source>
        <translation>未知时区“{text}”（请使用类似 Asia/Shanghai 的名称）</translation>
    </message>
    <message>
        <source>give at least one threshold, e.g. 50,80,100</source>
        <translation>请至少填写一个阈值，例如 50,80,100</translation>
    </message>
    <message>
        <source>thresholds are percentages (e.g. 80)</source>
        <translation>阈值是百分比（例如 80）</translation>
    </message>
    <message>
        <source>active is yes or no</source>
        <translation>启用为 yes 或 no</translation>
    </message>
    <message>
        <source>start is a date or time like 2026-11-01 or 2026-11-01T09:00</source>
        <translation>开始时间是类似 2026-11-01 或 2026-11-01T09:00 的日期或时间</translation>
    </message>
    <message>
        <source>set the monthly budget</source>
        <translation>请设置月度预算</translation>
    </message>
    <message>
        <source>set the monthly fee</source>
        <translation>请设置月费</translation>
    </message>
    <message>
        <source>set the balance you topped up</source>
        <translation>请设置你充值的余额</translation>
    </message>
    <message>
        <source>token and request caps belong to subscriptions</source>
        <translation>Token 和请求上限只适用于订阅</translation>
    </message>
    <message>
        <source>a low-balance warning belongs to prepaid plans</source>
        <translation>余额不足提醒只适用于预付套餐</translation>
    </message>
    <message>
        <source>&apos;{part}&apos; is not like 5h:tokens=N,requests=M or 7d:requests=M</source>
        <translation>“{part}”的格式不是 5h:tokens=N,requests=M 或 7d:requests=M</translation>
    </message>
    <message>
        <source>a window must be at least 1 hour long</source>
        <translation>窗口至少为 1 小时</translation>
    </message>
    <message>
        <source>a window is at most {days} days long</source>
        <translation>窗口最长为 {days} 天</translation>
    </message>
    <message>
        <source>&apos;{key}&apos; in &apos;{part}&apos;: a window caps tokens or requests</source>
        <translation>“{part}”中的“{key}”：窗口只能限制 tokens 或 requests</translation>
    </message>
    <message>
        <source>&apos;{part}&apos; caps nothing: add tokens=N or requests=M</source>
        <translation>“{part}”没有设置任何上限：请添加 tokens=N 或 requests=M</translation>
    </message>
    <message>
        <source>set the 5-hour and weekly windows in their own fields</source>
        <translation>请在各自的字段中设置 5 小时和每周窗口</translation>
    </message>
    <message>
        <source>budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>balance</source>
        <translation>余额</translation>
    </message>
    <message>
        <source>monthly tokens</source>
        <translation>每月 Token</translation>
    </message>
    <message>
        <source>{window} tokens</source>
        <translation>{window} Token</translation>
    </message>
    <message>
        <source>{window} requests</source>
        <translation>{window} 请求</translation>
    </message>
    <message>
        <source>{window} official</source>
        <translation>{window} 官方</translation>
    </message>
    <message>
        <source>{name} looks like a binary file (NUL byte at offset {offset}); not counted</source>
        <translation>{name} 看起来是二进制文件（偏移 {offset} 处有 NUL 字节）；未计数</translation>
    </message>
    <message>
        <source>{name} is not valid UTF-8 text (bad byte at offset {offset}); not counted</source>
        <translation>{name} 不是有效的 UTF-8 文本（偏移 {offset} 处有错误字节）；未计数</translation>
    </message>
    <message>
        <source>{name} is larger than {size} MiB; not counted (no model takes a prompt that long)</source>
        <translation>{name} 大于 {size} MiB；未计数（没有模型能接受这么长的提示词）</translation>
    </message>
    <message>
        <source>{path}: no such file</source>
        <translation>{path}：文件不存在</translation>
    </message>
    <message>
        <source>{path} is a directory, not a file</source>
        <translation>{path} 是文件夹，不是文件</translation>
    </message>
    <message>
        <source>{path} cannot be read: {why}</source>
        <translation>无法读取 {path}：{why}</translation>
    </message>
    <message>
        <source>the key is empty</source>
        <translation>密钥为空</translation>
    </message>
    <message>
        <source>a key has no spaces, line breaks or control characters</source>
        <translation>密钥不能包含空格、换行或控制字符</translation>
    </message>
    <message>
        <source>Keys are kept in memory for this session only.</source>
        <translation>密钥仅在本次会话中保存在内存里。</translation>
    </message>
    <message>
        <source>Keys are kept in the system keyring ({name}).</source>
        <translation>密钥保存在系统密钥环中（{name}）。</translation>
    </message>
    <message>
        <source>This system has no usable keyring, so no API key can be kept. To keep API keys, run a Secret Service: on Debian or Ubuntu install gnome-keyring (or KeePassXC with its Secret Service integration) and unlock it in your desktop session.</source>
        <translation>此系统没有可用的密钥环，因此无法保存 API 密钥。要保存 API 密钥，请运行 Secret Service：在 Debian 或 Ubuntu 上安装 gnome-keyring（或启用 Secret Service 集成的 KeePassXC），并在桌面会话中解锁。</translation>
    </message>
    <message>
        <source>The only keyring here keeps keys in a plain file (keyrings.alt), so tokenbudget does not use it. To keep API keys, run a Secret Service: on Debian or Ubuntu install gnome-keyring (or KeePassXC with its Secret Service integration) and unlock it in your desktop session.</source>
        <translation>这里唯一的密钥环把密钥保存在明文文件中（keyrings.alt），因此 tokenbudget 不使用它。要保存 API 密钥，请运行 Secret Service：在 Debian 或 Ubuntu 上安装 gnome-keyring（或启用 Secret Service 集成的 KeePassXC），并在桌面会话中解锁。</translation>
    </message>
    <message>
        <source>{text} ({detail})</source>
        <translation>{text}（{detail}）</translation>
    </message>
    <message>
        <source>no plan with id {id}</source>
        <translation>没有 ID 为 {id} 的套餐</translation>
    </message>
    <message>
        <source>no entry with id {id}</source>
        <translation>没有 ID 为 {id} 的条目</translation>
    </message>
    <message>
        <source>entry {id} cannot be changed so: plan {plan} does not exist</source>
        <translation>条目 {id} 无法这样修改：套餐 {plan} 不存在</translation>
    </message>
    <message>
        <source>entry {id} cannot be changed so: another entry has its source reference</source>
        <translation>条目 {id} 无法这样修改：另一个条目已使用它的来源引用</translation>
    </message>
    <message>
        <source>no plan named &apos;{name}&apos; (plans: {names})</source>
        <translation>没有名为 &apos;{name}&apos; 的套餐（现有套餐：{names}）</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>{variable} is {path}, which is a file, not a folder</source>
        <translation>{variable} 为 {path}，它是文件而不是文件夹</translation>
    </message>
    <message>
        <source>the provider redirected to another address; not followed so your key stays with it</source>
        <translation>服务商重定向到了另一个地址；未跟随，以免密钥外泄</translation>
    </message>
    <message>
        <source>invalid key (401)</source>
        <translation>密钥无效（401）</translation>
    </message>
    <message>
        <source>key not allowed to count (403)</source>
        <translation>密钥无权计数（403）</translation>
    </message>
    <message>
        <source>rate limited (429)</source>
        <translation>请求过于频繁（429）</translation>
    </message>
    <message>
        <source>rate limited (429, retry after {seconds} s)</source>
        <translation>请求过于频繁（429，{seconds} 秒后重试）</translation>
    </message>
    <message>
        <source>rate limited (429); asking again in {seconds} s</source>
        <translation>请求过于频繁（429）；{seconds} 秒后再次询问</translation>
    </message>
    <message>
        <source>provider error ({code})</source>
        <translation>服务商出错（{code}）</translation>
    </message>
    <message>
        <source>request refused ({code})</source>
        <translation>请求被拒绝（{code}）</translation>
    </message>
    <message>
        <source>key not sent: {problem}</source>
        <translation>未发送密钥：{problem}</translation>
    </message>
    <message>
        <source>timed out after {seconds} s</source>
        <translation>{seconds} 秒后超时</translation>
    </message>
    <message>
        <source>offline or unreachable ({why})</source>
        <translation>离线或无法访问（{why}）</translation>
    </message>
    <message>
        <source>connection failed ({why})</source>
        <translation>连接失败（{why}）</translation>
    </message>
    <message>
        <source>malformed response (too long)</source>
        <translation>响应格式错误（过长）</translation>
    </message>
    <message>
        <source>malformed response (not JSON)</source>
        <translation>响应格式错误（不是 JSON）</translation>
    </message>
    <message>
        <source>malformed response (no token count)</source>
        <translation>响应格式错误（没有 Token 数）</translation>
    </message>
    <message>
        <source>no answer in time</source>
        <translation>未及时响应</translation>
    </message>
    <message>
        <source>unexpected answer ({detail})</source>
        <translation>意外的响应（{detail}）</translation>
    </message>
    <message>
        <source>cannot reach the provider</source>
        <translation>无法连接服务商</translation>
    </message>
    <message>
        <source>API key refused</source>
        <translation>API 密钥被拒绝</translation>
    </message>
    <message>
        <source>rate limited; try again later</source>
        <translation>请求过于频繁；请稍后再试</translation>
    </message>
    <message>
        <source>payment required</source>
        <translation>需要付款</translation>
    </message>
    <message>
        <source>provider error (HTTP {code})</source>
        <translation>服务商出错（HTTP {code}）</translation>
    </message>
    <message>
        <source>request refused (HTTP {code})</source>
        <translation>请求被拒绝（HTTP {code}）</translation>
    </message>
    <message>
        <source>settings file {path} is unreadable ({why}); using defaults</source>
        <translation>无法读取设置文件 {path}（{why}）；使用默认值</translation>
    </message>
    <message>
        <source>settings file {path} is not a JSON object; using defaults</source>
        <translation>设置文件 {path} 不是 JSON 对象；使用默认值</translation>
    </message>
    <message>
        <source>settings file {path}: ignored invalid {keys}; using defaults there</source>
        <translation>设置文件 {path}：已忽略无效的 {keys}；这些项使用默认值</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>estimator</source>
        <translation>估算器</translation>
    </message>
    <message>
        <source>unknown {kind} &apos;{name}&apos;</source>
        <translation>未知{kind}“{name}”</translation>
    </message>
    <message>
        <source>unknown {kind} &apos;{name}&apos;; did you mean {suggestions}?</source>
        <translation>未知{kind}“{name}”；你是不是要找 {suggestions}？</translation>
    </message>
    <message>
        <source>unknown provider &apos;{name}&apos;</source>
        <translation>未知服务商“{name}”</translation>
    </message>
    <message>
        <source>unknown provider &apos;{name}&apos;; did you mean {suggestions}?</source>
        <translation>未知服务商“{name}”；你是不是要找 {suggestions}？</translation>
    </message>
    <message>
        <source>{count} more problems not listed</source>
        <translation>另有 {count} 个问题未列出</translation>
    </message>
    <message>
        <source>unreadable; every file is read again</source>
        <translation>无法读取；将重新读取所有文件</translation>
    </message>
    <message>
        <source>unreadable; everything is read again</source>
        <translation>无法读取；将全部重新读取</translation>
    </message>
    <message>
        <source>cannot read: {why}</source>
        <translation>无法读取：{why}</translation>
    </message>
    <message>
        <source>not a JSON object (truncated or damaged line)</source>
        <translation>不是 JSON 对象（行被截断或已损坏）</translation>
    </message>
    <message>
        <source>cannot be read ({kind})</source>
        <translation>无法读取（{kind}）</translation>
    </message>
    <message>
        <source>line too long to read; skipped</source>
        <translation>行太长，无法读取；已跳过</translation>
    </message>
    <message>
        <source>not valid JSON: the text ends early (truncated?)</source>
        <translation>不是有效的 JSON：文本提前结束（被截断？）</translation>
    </message>
    <message>
        <source>not valid JSON: {reason} (column {column})</source>
        <translation>不是有效的 JSON：{reason}（第 {column} 列）</translation>
    </message>
    <message>
        <source>not valid JSON: nested too deeply</source>
        <translation>不是有效的 JSON：嵌套层级过深</translation>
    </message>
    <message>
        <source>not valid UTF-8</source>
        <translation>不是有效的 UTF-8</translation>
    </message>
    <message>
        <source>not UTF-8 text</source>
        <translation>不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>the compressed file ends inside a line (truncated?)</source>
        <translation>压缩文件在一行中间结束（被截断？）</translation>
    </message>
    <message>
        <source>{what} too large to read; skipped</source>
        <translation>{what}太大，无法读取；已跳过</translation>
    </message>
    <message>
        <source>settings file</source>
        <translation>设置文件</translation>
    </message>
    <message>
        <source>chat file</source>
        <translation>聊天文件</translation>
    </message>
    <message>
        <source>not a Gemini CLI chat (no list of messages)</source>
        <translation>不是 Gemini CLI 聊天记录（没有消息列表）</translation>
    </message>
    <message>
        <source>session {session}: {problem}</source>
        <translation>会话 {session}：{problem}</translation>
    </message>
    <message>
        <source>session {session}: {field}: {problem}</source>
        <translation>会话 {session}：{field}：{problem}</translation>
    </message>
    <message>
        <source>message {message}: {problem}</source>
        <translation>消息 {message}：{problem}</translation>
    </message>
    <message>
        <source>part {part}: {problem}</source>
        <translation>片段 {part}：{problem}</translation>
    </message>
    <message>
        <source>unreadable CSV: {why}</source>
        <translation>无法读取的 CSV：{why}</translation>
    </message>
    <message>
        <source>not a tokenbudget export (no column {columns}); use a mapping</source>
        <translation>不是 tokenbudget 导出文件（没有 {columns} 列）；请使用列映射</translation>
    </message>
    <message>
        <source>no column {columns} in the header</source>
        <translation>表头中没有 {columns} 列</translation>
    </message>
    <message>
        <source>record {ref} could not be stored: {why}</source>
        <translation>记录 {ref} 无法保存：{why}</translation>
    </message>
    <message>
        <source>&apos;{key}&apos; is not a whole number: {value}</source>
        <translation>“{key}”不是整数：{value}</translation>
    </message>
    <message>
        <source>&apos;{key}&apos; is negative: {value}</source>
        <translation>“{key}”为负数：{value}</translation>
    </message>
    <message>
        <source>&apos;{key}&apos; is too large: {value} (the most is {most})</source>
        <translation>“{key}”过大：{value}（最大为 {most}）</translation>
    </message>
    <message>
        <source>{what} is not valid text: {value}</source>
        <translation>{what}不是有效的文本：{value}</translation>
    </message>
    <message>
        <source>cost &apos;{amount}&apos; is not a finite number</source>
        <translation>费用“{amount}”不是有限数</translation>
    </message>
    <message>
        <source>cost &apos;{amount}&apos; is negative</source>
        <translation>费用“{amount}”为负数</translation>
    </message>
    <message>
        <source>cost &apos;{amount}&apos; is too large (the most is {most})</source>
        <translation>费用“{amount}”过大（最大为 {most}）</translation>
    </message>
    <message>
        <source>{what} {value} is too large</source>
        <translation>{what} {value} 过大</translation>
    </message>
    <message>
        <source>requests {value} is out of range</source>
        <translation>请求数 {value} 超出范围</translation>
    </message>
    <message>
        <source>could not write the autostart entry {path}: {why}</source>
        <translation>无法写入开机启动项 {path}：{why}</translation>
    </message>
    <message>
        <source>could not remove the autostart entry {path}: {why}</source>
        <translation>无法删除开机启动项 {path}：{why}</translation>
    </message>
    <message>
        <source>could not install the menu entry: {why}</source>
        <translation>无法添加菜单项：{why}</translation>
    </message>
    <message>
        <source>could not remove {path}: {why}</source>
        <translation>无法删除 {path}：{why}</translation>
    </message>
    <message>
        <source>open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>read</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>upgrade</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>move aside</source>
        <translation>移走</translation>
    </message>
    <message>
        <source>rebuild</source>
        <translation>重建</translation>
    </message>
    <message>
        <source>create the folder of</source>
        <translation>创建文件夹</translation>
    </message>
    <message>
        <source>write to</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>cannot {doing} the ledger {path}: its folder cannot be written ({detail})</source>
        <translation>无法{doing}账本 {path}：其所在文件夹不可写（{detail}）</translation>
    </message>
    <message>
        <source>cannot {doing} the ledger {path}: {detail}</source>
        <translation>无法{doing}账本 {path}：{detail}</translation>
    </message>
    <message>
        <source>the ledger {path} is busy: another program kept it locked for more than {seconds} s; try again when it is done ({detail})</source>
        <translation>账本 {path} 正忙：另一个程序锁定它已超过 {seconds} 秒；请在其完成后重试（{detail}）</translation>
    </message>
    <message>
        <source>cannot {doing} the ledger {path}: the file or its folder is read-only ({detail})</source>
        <translation>无法{doing}账本 {path}：文件或其所在文件夹为只读（{detail}）</translation>
    </message>
    <message>
        <source>cannot {doing} the ledger {path}: the file or its folder cannot be opened for writing ({detail})</source>
        <translation>无法{doing}账本 {path}：无法以写入方式打开文件或其所在文件夹（{detail}）</translation>
    </message>
    <message>
        <source>the disk is full: cannot {doing} the ledger {path} ({detail})</source>
        <translation>磁盘已满：无法{doing}账本 {path}（{detail}）</translation>
    </message>
    <message>
        <source>a disk error stopped tokenbudget from {doing}: {path} ({detail})</source>
        <translation>磁盘错误导致 tokenbudget 无法{doing}：{path}（{detail}）</translation>
    </message>
    <message>
        <source>the ledger {path} is not a usable database ({detail})</source>
        <translation>账本 {path} 不是可用的数据库（{detail}）</translation>
    </message>
    <message>
        <source>the ledger {path} is damaged ({detail}); {hint}</source>
        <translation>账本 {path} 已损坏（{detail}）；{hint}</translation>
    </message>
    <message>
        <source>run `tokenbudget ledger recover` to move it aside and rebuild it from what can still be read</source>
        <translation>请运行 `tokenbudget ledger recover`，将其移走并用仍可读取的内容重建</translation>
    </message>
    <message>
        <source>the ledger {path} was written by a newer tokenbudget (schema {version}); update tokenbudget to open it</source>
        <translation>账本 {path} 由更新版本的 tokenbudget 写入（架构 {version}）；请更新 tokenbudget 后再打开</translation>
    </message>
    <message>
        <source>the ledger {path} cannot use WAL journaling (got {mode})</source>
        <translation>账本 {path} 无法使用 WAL 日志模式（得到 {mode}）</translation>
    </message>
    <message>
        <source>{source}: {reason}</source>
        <translation>{source}：{reason}</translation>
    </message>
    <message>
        <source>{source}: import failed ({kind}: {reason})</source>
        <translation>{source}：导入失败（{kind}：{reason}）</translation>
    </message>
    <message>
        <source>price manifest</source>
        <translation>价格清单</translation>
    </message>
    <message>
        <source>price snapshot</source>
        <translation>价格快照</translation>
    </message>
    <message>
        <source>list prices</source>
        <translation>标价</translation>
    </message>
    <message>
        <source>price overrides</source>
        <translation>价格覆盖文件</translation>
    </message>
    <message>
        <source>{what} {path} cannot be read: {why}</source>
        <translation>无法读取{what} {path}：{why}</translation>
    </message>
    <message>
        <source>{what} {path} is not valid JSON: {why}</source>
        <translation>{what} {path} 不是有效的 JSON：{why}</translation>
    </message>
    <message>
        <source>{reason}; started without that file</source>
        <translation>{reason}；已在不使用该文件的情况下启动</translation>
    </message>
    <message>
        <source>{path}: {reason}; started without that file</source>
        <translation>{path}：{reason}；已在不使用该文件的情况下启动</translation>
    </message>
    <message>
        <source>settings file {path} is malformed; fix or remove it before changing settings</source>
        <translation>设置文件 {path} 格式错误；请先修复或删除它，再更改设置</translation>
    </message>
    <message>
        <source>could not read the {provider} key: {kind}</source>
        <translation>无法读取 {provider} 的密钥：{kind}</translation>
    </message>
    <message>
        <source>the keyring did not store the {provider} key: {kind}</source>
        <translation>密钥环未能保存 {provider} 的密钥：{kind}</translation>
    </message>
    <message>
        <source>the keyring did not delete the {provider} key: {kind}</source>
        <translation>密钥环未能删除 {provider} 的密钥：{kind}</translation>
    </message>
    <message>
        <source>{what} missing</source>
        <translation>缺少 {what}</translation>
    </message>
    <message>
        <source>{what} is not a number</source>
        <translation>{what} 不是数字</translation>
    </message>
    <message>
        <source>no {what}</source>
        <translation>没有 {what}</translation>
    </message>
    <message>
        <source>this key has no credit limit</source>
        <translation>此密钥没有额度上限</translation>
    </message>
    <message>
        <source>{provider} does not publish a balance</source>
        <translation>{provider} 不提供余额查询</translation>
    </message>
    <message>
        <source>cannot read {path}: {why}</source>
        <translation>无法读取 {path}：{why}</translation>
    </message>
    <message>
        <source>cannot write {path}: {why}</source>
        <translation>无法写入 {path}：{why}</translation>
    </message>
    <message>
        <source>{path} is larger than 10 MB; not a settings file, left as is</source>
        <translation>{path} 大于 10 MB；不是设置文件，保持原样</translation>
    </message>
    <message>
        <source>{path} is not valid JSON ({why}); fix it first, tokenbudget does not overwrite it</source>
        <translation>{path} 不是有效的 JSON（{why}）；请先修复它，tokenbudget 不会覆盖它</translation>
    </message>
    <message>
        <source>{path} does not hold a JSON object; tokenbudget leaves it as is</source>
        <translation>{path} 不是 JSON 对象；tokenbudget 保持其原样</translation>
    </message>
    <message>
        <source>read without its -wal file (no -shm): the newest changes are not seen</source>
        <translation>读取时未使用其 -wal 文件（没有 -shm）：看不到最新的更改</translation>
    </message>
    <message>
        <source>the database changed while it was read; try again</source>
        <translation>读取期间数据库发生了变化；请重试</translation>
    </message>
    <message>
        <source>not an SQLite database</source>
        <translation>不是 SQLite 数据库</translation>
    </message>
    <message>
        <source>the database is locked by its tool (waited {seconds} s); try again later</source>
        <translation>数据库被其所属工具锁定（已等待 {seconds} 秒）；请稍后重试</translation>
    </message>
    <message>
        <source>the database is damaged: {detail}</source>
        <translation>数据库已损坏：{detail}</translation>
    </message>
    <message>
        <source>cannot read the database: {detail}</source>
        <translation>无法读取数据库：{detail}</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>不是 JSON 对象</translation>
    </message>
    <message>
        <source>status update without a valid timestamp</source>
        <translation>状态更新没有有效的时间戳</translation>
    </message>
    <message>
        <source>usage record without a valid time</source>
        <translation>用量记录没有有效的时间</translation>
    </message>
    <message>
        <source>not zstd-compressed data (damaged?)</source>
        <translation>不是 zstd 压缩数据（已损坏？）</translation>
    </message>
    <message>
        <source>cannot read zstd files: zstandard is not installed</source>
        <translation>无法读取 zstd 文件：未安装 zstandard</translation>
    </message>
    <message>
        <source>the compressed file ends early (truncated?)</source>
        <translation>压缩文件提前结束（被截断？）</translation>
    </message>
    <message>
        <source>not a Droid settings object</source>
        <translation>不是 Droid 设置对象</translation>
    </message>
    <message>
        <source>&apos;tokenUsage&apos; is not an object</source>
        <translation>“tokenUsage”不是对象</translation>
    </message>
    <message>
        <source>assistant row without a model</source>
        <translation>助手记录没有模型</translation>
    </message>
    <message>
        <source>assistant row without a valid timestamp</source>
        <translation>助手记录没有有效的时间戳</translation>
    </message>
    <message>
        <source>assistant row without a message id or uuid</source>
        <translation>助手记录没有消息 ID 或 UUID</translation>
    </message>
    <message>
        <source>a session without an id</source>
        <translation>会话没有 ID</translation>
    </message>
    <message>
        <source>no valid updated_at</source>
        <translation>没有有效的 updated_at</translation>
    </message>
    <message>
        <source>session.shutdown without a valid timestamp</source>
        <translation>session.shutdown 没有有效的时间戳</translation>
    </message>
    <message>
        <source>gemini message without an id</source>
        <translation>Gemini 消息没有 ID</translation>
    </message>
    <message>
        <source>gemini message without a valid timestamp</source>
        <translation>Gemini 消息没有有效的时间戳</translation>
    </message>
    <message>
        <source>assistant record without a valid timestamp</source>
        <translation>助手记录没有有效的时间戳</translation>
    </message>
    <message>
        <source>step-finish part without tokens</source>
        <translation>step-finish 片段没有 Token 数</translation>
    </message>
    <message>
        <source>step-finish part without a valid time</source>
        <translation>step-finish 片段没有有效的时间</translation>
    </message>
    <message>
        <source>token count without a valid timestamp</source>
        <translation>Token 计数没有有效的时间戳</translation>
    </message>
    <message>
        <source>token count without total_token_usage</source>
        <translation>Token 计数没有 total_token_usage</translation>
    </message>
    <message>
        <source>token usage record without a valid timestamp</source>
        <translation>Token 用量记录没有有效的时间戳</translation>
    </message>
    <message>
        <source>token usage record without usage</source>
        <translation>Token 用量记录没有 usage</translation>
    </message>
    <message>
        <source>a part without an id</source>
        <translation>片段没有 ID</translation>
    </message>
    <message>
        <source>damaged compressed data ({why})</source>
        <translation>压缩数据已损坏（{why}）</translation>
    </message>
    <message>
        <source>{path} is not a folder</source>
        <translation>{path} 不是文件夹</translation>
    </message>
    <message>
        <source>{path} cannot be written</source>
        <translation>{path} 无法写入</translation>
    </message>
    <message>
        <source>a device name cannot be empty</source>
        <translation>设备名称不能为空</translation>
    </message>
    <message>
        <source>no sync folder is set; choose one with &apos;devices use FOLDER&apos;</source>
        <translation>尚未设置同步文件夹；请用 &apos;devices use FOLDER&apos; 选择一个</translation>
    </message>
    <message>
        <source>{path}: the folder is missing (changes wait here until it is back)</source>
        <translation>{path}：文件夹不存在（更改会留在本机，等它恢复后再写入）</translation>
    </message>
    <message>
        <source>{path}: {why}</source>
        <translation>{path}：{why}</translation>
    </message>
    <message>
        <source>no device named &apos;{name}&apos;</source>
        <translation>没有名为 &apos;{name}&apos; 的设备</translation>
    </message>
    <message>
        <source>no device named &apos;{name}&apos;; did you mean &apos;{close}&apos;?</source>
        <translation>没有名为 &apos;{name}&apos; 的设备；你是指 &apos;{close}&apos; 吗？</translation>
    </message>
    <message>
        <source>unknown CSV field {fields} (known: {known})</source>
        <translation>未知的 CSV 字段 {fields}（可用：{known}）</translation>
    </message>
    <message>
        <source>the CSV mapping needs a column for &apos;time&apos;</source>
        <translation>CSV 映射需要一列 &apos;time&apos;</translation>
    </message>
    <message>
        <source>time_utc &apos;{value}&apos; is not an ISO 8601 time</source>
        <translation>time_utc &apos;{value}&apos; 不是 ISO 8601 时间</translation>
    </message>
    <message>
        <source>provider and model are required</source>
        <translation>必须提供服务商和模型</translation>
    </message>
    <message>
        <source>time &apos;{value}&apos; is neither ISO 8601 nor unix seconds</source>
        <translation>time &apos;{value}&apos; 既不是 ISO 8601 时间，也不是 Unix 秒数</translation>
    </message>
    <message>
        <source>no model (and no default model)</source>
        <translation>没有模型（也没有默认模型）</translation>
    </message>
    <message>
        <source>no provider for model &apos;{model}&apos; (and no default provider)</source>
        <translation>模型 &apos;{model}&apos; 没有服务商（也没有默认服务商）</translation>
    </message>
    <message>
        <source>{name} &apos;{value}&apos; is not a whole number</source>
        <translation>{name} &apos;{value}&apos; 不是整数</translation>
    </message>
    <message>
        <source>{name} &apos;{value}&apos; is negative</source>
        <translation>{name} &apos;{value}&apos; 是负数</translation>
    </message>
    <message>
        <source>{name} &apos;{value}&apos; is too large (the most is {most})</source>
        <translation>{name} &apos;{value}&apos; 过大（最大为 {most}）</translation>
    </message>
    <message>
        <source>model {model}: {problem}</source>
        <translation>模型 {model}：{problem}</translation>
    </message>
</context>
<context>
    <name>DevicesPage</name>
    <message>
        <source>Count the spend of all your computers in one total. Choose a folder that Syncthing, Dropbox, OneDrive, iCloud Drive or Nextcloud already keeps in step on each of them: every device writes its own files there and reads the others&apos;. Nothing goes to a server of ours.</source>
        <extracomment>Picks a folder (tests replace it): ``(parent, title, start) -&gt; path or &quot;&quot;``. What a button does, on the worker, given where to report progress: a sync&apos;s report, or None. Below this many bytes to take in, a sync is quick: no progress bar flashes up.</extracomment>
        <translation>把你所有电脑的支出合计为一个总数。选择一个已由 Syncthing、Dropbox、OneDrive、iCloud Drive 或 Nextcloud 在各台电脑间保持同步的文件夹：每台设备只在其中写入自己的文件，并读取其他设备的文件。不会发送到我们的任何服务器。</translation>
    </message>
    <message>
        <source>What your other devices call this one</source>
        <translation>你的其他设备如何称呼这台设备</translation>
    </message>
    <message>
        <source>This &amp;device</source>
        <translation>本设备(&amp;D)</translation>
    </message>
    <message>
        <source>Sync folder</source>
        <translation>同步文件夹</translation>
    </message>
    <message>
        <source>Prompt text</source>
        <translation>提示词文本</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>立即同步(&amp;S)</translation>
    </message>
    <message>
        <source>Reading the other devices&apos; history</source>
        <translation>正在读取其他设备的历史</translation>
    </message>
    <message>
        <source>Not shared</source>
        <translation>未共享</translation>
    </message>
    <message>
        <source>&amp;Choose folder…</source>
        <translation>选择文件夹(&amp;C)…</translation>
    </message>
    <message>
        <source>S&amp;top sharing</source>
        <translation>停止共享(&amp;T)</translation>
    </message>
    <message>
        <source>Share recorded prompt text with my other devices</source>
        <translation>与我的其他设备共享记录的提示词文本</translation>
    </message>
    <message>
        <source>Off: the prompt previews stay on the device that recorded them; the other devices get the entries without them.</source>
        <translation>关闭时：提示词预览只保留在记录它的设备上；其他设备收到的条目不含预览。</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Last write</source>
        <translation>最后写入</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Choose the folder to share through</source>
        <translation>选择用于共享的文件夹</translation>
    </message>
    <message>
        <source>Writing this device&apos;s history to the folder and reading the others&apos;…</source>
        <translation>正在把本设备的历史写入文件夹，并读取其他设备的历史…</translation>
    </message>
    <message>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <source>&amp;Change folder…</source>
        <translation>更换文件夹(&amp;C)…</translation>
    </message>
    <message>
        <source>{name} (this device)</source>
        <translation>{name}（本设备）</translation>
    </message>
    <message>
        <source>Device id {id}</source>
        <translation>设备 ID {id}</translation>
    </message>
    <message>
        <source>Only this device is counted. Choose a folder to share with others.</source>
        <translation>目前只统计本设备。选择一个文件夹即可与其他设备共享。</translation>
    </message>
    <message>
        <source>Shared. The app syncs every minute while it runs.</source>
        <translation>已共享。应用运行时每分钟同步一次。</translation>
    </message>
    <message>
        <source>Synced at {time}.</source>
        <translation>已于 {time} 同步。</translation>
    </message>
    <message numerus="yes">
        <source>%n other devices share this folder.</source>
        <translation>
            <numerusform>另有 %n 台设备共享此文件夹。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new records taken in.</source>
        <translation>
            <numerusform>收到 %n 条新记录。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n records written.</source>
        <translation>
            <numerusform>写入了 %n 条记录。</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing new from them.</source>
        <translation>它们没有新内容。</translation>
    </message>
    <message>
        <source>Some files are still arriving; the rest is read when it arrives.</source>
        <translation>部分文件仍在传输中；其余内容到达后再读取。</translation>
    </message>
    <message>
        <source>This device found a copy of itself writing under its id and took a new one.</source>
        <translation>本设备发现有副本在用它的 ID 写入，已改用新的 ID。</translation>
    </message>
</context>
<context>
    <name>EditsMixin</name>
    <message>
        <source>Add an entry</source>
        <extracomment>At most this many entries are deleted at once (each is kept in memory for undo).</extracomment>
        <translation>添加条目</translation>
    </message>
    <message>
        <source>empty: priced from the catalogue</source>
        <translation>留空：按价格目录计价</translation>
    </message>
    <message>
        <source>Not saved: {why}</source>
        <translation>未保存：{why}</translation>
    </message>
    <message>
        <source>Add entry {id}</source>
        <translation>添加条目 {id}</translation>
    </message>
    <message>
        <source>Added entry {id}.</source>
        <translation>已添加条目 {id}。</translation>
    </message>
    <message>
        <source>Edit entry {id}</source>
        <translation>编辑条目 {id}</translation>
    </message>
    <message>
        <source>Saved entry {id}.</source>
        <translation>已保存条目 {id}。</translation>
    </message>
    <message>
        <source>Select at most {count} entries to delete at once.</source>
        <translation>一次最多选择 {count} 个条目删除。</translation>
    </message>
    <message>
        <source>Not deleted: {why}</source>
        <translation>未删除：{why}</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n entries</source>
        <translation>
            <numerusform>删除 %n 个条目</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Deleted %n entries. Undo with {keys}.</source>
        <translation>
            <numerusform>已删除 %n 个条目。按 {keys} 撤销。</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not undo “{what}”: {why}</source>
        <translation>无法撤销“{what}”：{why}</translation>
    </message>
    <message>
        <source>Could not redo “{what}”: {why}</source>
        <translation>无法重做“{what}”：{why}</translation>
    </message>
    <message>
        <source>Undone: {what}.</source>
        <translation>已撤销：{what}。</translation>
    </message>
    <message>
        <source>Redone: {what}.</source>
        <translation>已重做：{what}。</translation>
    </message>
</context>
<context>
    <name>EmptyLedgerPage</name>
    <message>
        <source>No usage recorded yet</source>
        <translation>尚未记录用量</translation>
    </message>
    <message>
        <source>tokenbudget reads the usage logs that Claude Code, Codex, Gemini CLI and other coding tools keep on this computer, and prices every request. Import them now, or add spend by hand. Estimates you record in the main window show here too.</source>
        <translation>tokenbudget 会读取 Claude Code、Codex、Gemini CLI 等编程工具保存在这台电脑上的用量日志，并为每个请求计价。现在导入它们，或手动添加支出。你在主窗口记录的估算也会显示在这里。</translation>
    </message>
    <message>
        <source>Import usage from your coding tools</source>
        <translation>从编程工具导入用量</translation>
    </message>
    <message>
        <source>Add an entry</source>
        <translation>添加条目</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message>
        <source>Edit entry {id}</source>
        <extracomment>The token fields, in the order of the form.</extracomment>
        <translation>编辑条目 {id}</translation>
    </message>
    <message>
        <source>empty: unpriced</source>
        <translation>留空：未定价</translation>
    </message>
    <message>
        <source>Price from catalogue</source>
        <translation>按价格目录计价</translation>
    </message>
    <message>
        <source>Every plan that covers it</source>
        <translation>覆盖它的所有套餐</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Input tokens</source>
        <translation>输入 Token</translation>
    </message>
    <message>
        <source>Cache read tokens</source>
        <translation>缓存读取 Token</translation>
    </message>
    <message>
        <source>Cache write tokens (5 min)</source>
        <translation>缓存写入 Token（5 分钟）</translation>
    </message>
    <message>
        <source>Cache write tokens (1 hour)</source>
        <translation>缓存写入 Token（1 小时）</translation>
    </message>
    <message>
        <source>Output tokens</source>
        <translation>输出 Token</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Count toward</source>
        <translation>计入</translation>
    </message>
    <message>
        <source>Enter a model</source>
        <translation>请输入模型</translation>
    </message>
    <message>
        <source>A whole number, 0 or more</source>
        <translation>0 或以上的整数</translation>
    </message>
    <message>
        <source>A number, 0 or more (empty: unpriced)</source>
        <translation>0 或以上的数字（留空：未定价）</translation>
    </message>
    <message>
        <source>This is in the future</source>
        <translation>这是未来的时间</translation>
    </message>
    <message>
        <source>The catalogue has no price for this model</source>
        <translation>价格目录中没有此模型的价格</translation>
    </message>
</context>
<context>
    <name>EstimateModel</name>
    <message>
        <source>Provider</source>
        <extracomment>The tag after the cheapest row&apos;s model name (colour is not the only sign). The columns by number, and the roles as plain ints: ``data`` runs for every painted cell and role, and making an enum member there costs more than the rest of the call.</extracomment>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>EstimateTable</name>
    <message>
        <source>Estimated cost per model</source>
        <translation>各模型的估算费用</translation>
    </message>
    <message>
        <source>One row per model: tokens, share of its context window, and cost.</source>
        <translation>每个模型一行：Token、占上下文窗口的比例和费用。</translation>
    </message>
</context>
<context>
    <name>ExportMixin</name>
    <message>
        <source>Export the entries shown</source>
        <translation>导出显示的条目</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exporting to {file}… {done} of {total}</source>
        <translation>正在导出到 {file}… {done} / {total}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %Ln entries to {file}.</source>
        <translation>
            <numerusform>已导出 %Ln 个条目到 {file}。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not exported: {why}</source>
        <translation>未导出：{why}</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <source>Spend per day</source>
        <translation>每日支出</translation>
    </message>
    <message>
        <source>Spend per month</source>
        <translation>每月支出</translation>
    </message>
    <message>
        <source>{month} {year}</source>
        <translation>{year}年{month}</translation>
    </message>
    <message>
        <source>Spend per day, {month}</source>
        <translation>每日支出，{month}</translation>
    </message>
</context>
<context>
    <name>HistoryFilterBar</name>
    <message>
        <source>All time</source>
        <translation>全部时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>上月</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <source>Project: the repository or folder the tools ran in</source>
        <translation>项目：工具运行所在的仓库或文件夹</translation>
    </message>
    <message>
        <source>Device: the computer that recorded or imported the entry</source>
        <translation>设备：记录或导入该条目的电脑</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Search notes and prompts</source>
        <translation>搜索备注和提示词</translation>
    </message>
    <message>
        <source>All providers</source>
        <translation>所有服务商</translation>
    </message>
    <message>
        <source>All models</source>
        <translation>所有模型</translation>
    </message>
    <message>
        <source>All plans</source>
        <translation>所有套餐</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>所有来源</translation>
    </message>
    <message>
        <source>All projects</source>
        <translation>所有项目</translation>
    </message>
    <message>
        <source>All devices</source>
        <translation>所有设备</translation>
    </message>
    <message>
        <source>This device</source>
        <translation>本设备</translation>
    </message>
    <message>
        <source>{name} (this device)</source>
        <translation>{name}（本设备）</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Time</source>
        <extracomment>The roles answered from an entry; every other role is None without reading a row.</extracomment>
        <translation>时间</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Cache read</source>
        <translation>缓存读取</translation>
    </message>
    <message>
        <source>Cache write</source>
        <translation>缓存写入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>套餐</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Note or prompt</source>
        <translation>备注或提示词</translation>
    </message>
    <message>
        <source>By hand</source>
        <extracomment>Where an entry came from, for the sources that are not a tool (a tool&apos;s name is a brand).</extracomment>
        <translation>手动记录</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>估算</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV 文件</translation>
    </message>
</context>
<context>
    <name>HistoryTable</name>
    <message>
        <source>Spend entries</source>
        <extracomment>The columns of figures: sized to their contents, never cut.</extracomment>
        <translation>支出条目</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>Undo</source>
        <extracomment>More rows than a screen holds, to select again after a reload. Errors of a job that are the user&apos;s news (the ledger, the disk, a missing optional package).</extracomment>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>&amp;Add…</source>
        <translation>添加(&amp;A)…</translation>
    </message>
    <message>
        <source>Add an entry by hand (spend not in any log)</source>
        <translation>手动添加条目（不在任何日志中的支出）</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>E&amp;xport CSV…</source>
        <translation>导出 CSV(&amp;X)…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Loading charts…</source>
        <translation>正在加载图表…</translation>
    </message>
    <message>
        <source>The ledger cannot be opened: {why}</source>
        <translation>无法打开账本：{why}</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message>
        <source>No entries match.</source>
        <translation>没有匹配的条目。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln 个条目</numerusform>
        </translation>
    </message>
    <message>
        <source>{tokens} tokens</source>
        <translation>{tokens} Token</translation>
    </message>
    <message>
        <source>{amount} (no exchange rate)</source>
        <translation>{amount}（无汇率）</translation>
    </message>
    <message numerus="yes">
        <source>%Ln unpriced</source>
        <translation>
            <numerusform>%Ln 个未定价</numerusform>
        </translation>
    </message>
    <message>
        <source>The ledger could not be read: {why}</source>
        <translation>无法读取账本：{why}</translation>
    </message>
</context>
<context>
    <name>ItemsMixin</name>
    <message>
        <source>Exact: the bundled {id} vocabulary</source>
        <translation>精确：内置的 {id} 词表</translation>
    </message>
    <message>
        <source>Exact</source>
        <translation>精确</translation>
    </message>
    <message>
        <source>Estimate</source>
        <translation>估算</translation>
    </message>
    <message>
        <source>Context window not published</source>
        <translation>上下文窗口未公布</translation>
    </message>
    <message>
        <source>No published price (not free)</source>
        <translation>无公布价格（并非免费）</translation>
    </message>
    <message>
        <source>Source: {source}</source>
        <translation>来源：{source}</translation>
    </message>
    <message>
        <source>Checked: {date}</source>
        <translation>核对于：{date}</translation>
    </message>
    <message>
        <source>Base price; longer prompts are billed at higher rates</source>
        <translation>基础价格；更长的提示词按更高费率计费</translation>
    </message>
</context>
<context>
    <name>LauncherOffer</name>
    <message>
        <source>Add tokenbudget to the app menu</source>
        <translation>将 tokenbudget 添加到应用菜单</translation>
    </message>
    <message>
        <source>Add tokenbudget to your desktop&apos;s app menu, so you can start it from there?</source>
        <translation>要将 tokenbudget 添加到桌面的应用菜单，以便从那里启动吗？</translation>
    </message>
    <message>
        <source>&amp;Add to menu</source>
        <translation>添加到菜单(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Not now</source>
        <translation>暂不(&amp;N)</translation>
    </message>
    <message>
        <source>Added to the app menu: {path}</source>
        <translation>已添加到应用菜单：{path}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>tokenbudget: what will this prompt cost?</source>
        <extracomment>The window&apos;s size when the screen has room for it. Below this width the prompt goes above the table instead of beside it, so the cost columns keep the full width (an 800×600 screen). The settings dialog&apos;s values were stored and applied.</extracomment>
        <translation>tokenbudget：这个提示词要花多少钱？</translation>
    </message>
    <message>
        <source>output tokens</source>
        <extracomment>Set by the app when it has a tray: returns True to hide on close instead.</extracomment>
        <translation>输出 Token</translation>
    </message>
    <message>
        <source>× input</source>
        <translation>× 输入</translation>
    </message>
    <message>
        <source>Prompt tokens you expect the provider to read from its cache (a shared prefix).</source>
        <translation>你预计服务商会从缓存读取的提示词 Token（共享前缀）。</translation>
    </message>
    <message>
        <source>Expected output:</source>
        <translation>预计输出：</translation>
    </message>
    <message>
        <source>Cached prefix:</source>
        <translation>缓存前缀：</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Record spend…</source>
        <translation>记录支出(&amp;R)…</translation>
    </message>
    <message>
        <source>Choose &amp;models…</source>
        <translation>选择模型(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Token view…</source>
        <translation>Token 视图(&amp;T)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Claude Code &amp;status line…</source>
        <translation>Claude Code 状态行(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Budgets</source>
        <translation>预算(&amp;B)</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>历史记录(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Sources…</source>
        <translation>来源(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Loaded {path}</source>
        <translation>已加载 {path}</translation>
    </message>
    <message>
        <source>Inserting the text…</source>
        <translation>正在插入文本…</translation>
    </message>
    <message>
        <source>Prices are in {currencies}; amounts in different currencies are sorted apart. Set exchange rates in Settings to compare them in one currency.</source>
        <translation>价格使用 {currencies}；不同货币的金额分开排序。在设置中设定汇率即可用一种货币比较。</translation>
    </message>
    <message numerus="yes">
        <source>%Ln characters</source>
        <translation>
            <numerusform>%Ln 个字符</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln words</source>
        <translation>
            <numerusform>%Ln 个词</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln lines</source>
        <translation>
            <numerusform>%Ln 行</numerusform>
        </translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>{model}: {tokens} tokens</source>
        <translation>{model}：{tokens} Token</translation>
    </message>
    <message>
        <source>Not a text file</source>
        <translation>不是文本文件</translation>
    </message>
    <message>
        <source>Open a prompt</source>
        <translation>打开提示词</translation>
    </message>
</context>
<context>
    <name>ModelPickerDialog</name>
    <message>
        <source>Choose models</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Checked models are shown in the table</source>
        <translation>勾选的模型会显示在表格中</translation>
    </message>
    <message>
        <source>Favourite: listed first; click to toggle</source>
        <translation>收藏：排在最前；点击切换</translation>
    </message>
    <message>
        <source>Counting</source>
        <translation>计数方式</translation>
    </message>
    <message>
        <source>Exact vocabulary or an estimate</source>
        <translation>精确词表或估算</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Context window in tokens</source>
        <translation>上下文窗口（Token）</translation>
    </message>
    <message>
        <source>Input / 1M</source>
        <translation>输入 / 百万</translation>
    </message>
    <message>
        <source>Price per million input tokens</source>
        <translation>每百万输入 Token 的价格</translation>
    </message>
    <message>
        <source>Output / 1M</source>
        <translation>输出 / 百万</translation>
    </message>
    <message>
        <source>Price per million output tokens</source>
        <translation>每百万输出 Token 的价格</translation>
    </message>
    <message>
        <source>{model} (retired)</source>
        <translation>{model}（已停用）</translation>
    </message>
    <message>
        <source>Retired on {date}: the provider no longer serves it. It stays in the catalogue to price recorded spend.</source>
        <translation>已于 {date} 停用：服务商不再提供该模型。它仍保留在目录中，用于为已记录的支出计价。</translation>
    </message>
    <message>
        <source>retired</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Search models or providers</source>
        <translation>搜索模型或服务商</translation>
    </message>
    <message>
        <source>Models by provider</source>
        <translation>按服务商分组的模型</translation>
    </message>
    <message>
        <source>Show the default set of models</source>
        <translation>显示默认的模型集合</translation>
    </message>
    <message>
        <source>Select &amp;none</source>
        <translation>全不选(&amp;N)</translation>
    </message>
    <message>
        <source>{provider} ({shown}/{total})</source>
        <translation>{provider}（{shown}/{total}）</translation>
    </message>
    <message>
        <source>Shown: {shown} of {total} models · Favourites: {favourites}</source>
        <translation>显示：{shown} / {total} 个模型 · 收藏：{favourites}</translation>
    </message>
    <message>
        <source>Choose at least one model</source>
        <translation>请至少选择一个模型</translation>
    </message>
</context>
<context>
    <name>NoMatchPage</name>
    <message>
        <source>No entries match the filter</source>
        <translation>没有符合筛选条件的条目</translation>
    </message>
    <message>
        <source>Choose another period, provider, model, plan, source or search.</source>
        <translation>请选择其他时间段、服务商、模型、套餐、来源或搜索词。</translation>
    </message>
    <message>
        <source>Clear the filter</source>
        <translation>清除筛选</translation>
    </message>
</context>
<context>
    <name>PlanCardWidget</name>
    <message>
        <source>Edit</source>
        <extracomment>What the providers say is left (prepaid plans with balance checking on). One row per official window: the provider&apos;s figure beside our estimate. The bars, in the order of the plan&apos;s caps. Value labels of the figures below the bars, by key: ``spent``, ``fee``, ``remaining``, ``value``, ``burn``, ``projected``, ``reach``.</extracomment>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Plan {name}</source>
        <translation>套餐 {name}</translation>
    </message>
    <message>
        <source>Edit “{name}”</source>
        <translation>编辑“{name}”</translation>
    </message>
    <message>
        <source>Remove “{name}”</source>
        <translation>删除“{name}”</translation>
    </message>
    <message>
        <source>Balance at provider: {amount} (checked {time})</source>
        <translation>服务商处余额：{amount}（核对于 {time}）</translation>
    </message>
    <message>
        <source>Balance at provider: not available ({reason}, {time})</source>
        <translation>服务商处余额：不可用（{reason}，{time}）</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Over cap</source>
        <translation>超出上限</translation>
    </message>
    <message>
        <source>Low balance</source>
        <translation>余额不足</translation>
    </message>
    <message>
        <source>Near cap</source>
        <translation>接近上限</translation>
    </message>
    <message>
        <source>{percent} used, as the provider reports it</source>
        <translation>已用 {percent}（服务商报告）</translation>
    </message>
    <message>
        <source>{percent} used</source>
        <translation>已用 {percent}</translation>
    </message>
</context>
<context>
    <name>PlanDialog</name>
    <message>
        <source>Edit plan</source>
        <extracomment>Fields whose empty text means &quot;none&quot;, sent even when they do not apply to the kind, so that switching a subscription to a budget clears its caps. Fields typed as numbers: the locale&apos;s separators are accepted.</extracomment>
        <translation>编辑套餐</translation>
    </message>
    <message>
        <source>Add plan</source>
        <translation>添加套餐</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>月度预算</translation>
    </message>
    <message>
        <source>Monthly fee</source>
        <translation>月费</translation>
    </message>
    <message>
        <source>Balance topped up</source>
        <translation>余额已充值</translation>
    </message>
    <message>
        <source>Topped up</source>
        <translation>充值于</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>on</source>
        <translation>于</translation>
    </message>
    <message>
        <source>only spend from</source>
        <translation>仅统计以下时间起的支出</translation>
    </message>
    <message>
        <source>Unticked: the balance is topped up now, when the plan is added.</source>
        <translation>不勾选：添加套餐时即视为现在充值。</translation>
    </message>
    <message>
        <source>Unticked: all spend in the period counts.</source>
        <translation>不勾选：周期内的所有支出都计入。</translation>
    </message>
</context>
<context>
    <name>ProjectBreakdown</name>
    <message>
        <source>By project</source>
        <extracomment>Where a row keeps its project (None: the entries without one). The share of a row (0 to 1, a float only for drawing the bar).</extracomment>
        <translation>按项目</translation>
    </message>
    <message>
        <source>Spend per project of the entries that every filter keeps, the period and the search included. Double-click a project to show only its entries.</source>
        <translation>所有筛选条件（包括时间段和搜索）保留的条目按项目统计的支出。双击项目只显示它的条目。</translation>
    </message>
    <message>
        <source>Spend by project</source>
        <translation>按项目的支出</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Spend</source>
        <translation>支出</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>条目</translation>
    </message>
    <message numerus="yes">
        <source>%Ln unpriced</source>
        <translation>
            <numerusform>%Ln 个未定价</numerusform>
        </translation>
    </message>
    <message>
        <source>Entries whose logs name no project</source>
        <translation>日志中未注明项目的条目</translation>
    </message>
    <message>
        <source>(no project)</source>
        <translation>（无项目）</translation>
    </message>
</context>
<context>
    <name>PromptEditor</name>
    <message>
        <source>Paste or type a prompt, or drop a text file here, to see what it costs.</source>
        <extracomment>The block property marking a block that follows a display-only break (``QTextFormat.Property.UserProperty + 1``; a test checks the value). Lines longer than this many characters are shown in pieces about this long. What ``QTextCursor.insertText`` turns into a new block. A piece of an over-long line preferably ends after one of these, within the last ``_LOOK_BACK`` characters, so that the break looks like ordinary wrapping. A large text is going in: characters (or bytes) done, of the total. Ends with done == total. Texts longer than this (in characters, or bytes of a paste) go in slices: inserting 10 MB at once blocks Qt for about 0.7 s here. Each slice is sized to take about this long (inserting gets slower as the document grows: 64 KB took 7 ms into an empty document, 30 ms at the end of 10 MB).</extracomment>
        <translation>粘贴或输入提示词，或将文本文件拖放到这里，查看它的费用。</translation>
    </message>
    <message>
        <source>Wait until the current text is in, then try again.</source>
        <extracomment>False only when the document certainly has no display-only break.</extracomment>
        <translation>请等当前文本载入完成后再试。</translation>
    </message>
</context>
<context>
    <name>Providers</name>
    <message>
        <source>OpenAI</source>
        <extracomment>The model id, on the first column of a model row. What the search matches, on the first column of every row. Sort key of a row within its parent (see ``ModelPickerDialog._sort_key``). True or False on the star column of a model row. The provider&apos;s display name, on the first column of a provider row.</extracomment>
        <translation>OpenAI</translation>
    </message>
    <message>
        <source>Anthropic</source>
        <translation>Anthropic</translation>
    </message>
    <message>
        <source>Google Gemini</source>
        <translation>Google Gemini</translation>
    </message>
    <message>
        <source>DeepSeek</source>
        <translation>DeepSeek</translation>
    </message>
    <message>
        <source>Alibaba Qwen</source>
        <translation>Alibaba Qwen</translation>
    </message>
    <message>
        <source>Zhipu GLM</source>
        <translation>Zhipu GLM</translation>
    </message>
    <message>
        <source>Moonshot Kimi</source>
        <translation>Moonshot Kimi</translation>
    </message>
    <message>
        <source>MiniMax</source>
        <translation>MiniMax</translation>
    </message>
    <message>
        <source>Mistral</source>
        <translation>Mistral</translation>
    </message>
    <message>
        <source>xAI</source>
        <translation>xAI</translation>
    </message>
</context>
<context>
    <name>ProvidersPage</name>
    <message>
        <source>Counting online sends the prompt text to that provider to be counted, after you stop typing. Nothing is sent unless you turn it on here and a key is set.</source>
        <extracomment>The grid&apos;s base-URL column. ``tester(provider, base_urls) -&gt; message``: checks the stored key against the provider (run on a worker thread: it goes over the network). The keys, in the keyring (``service.providers``).</extracomment>
        <translation>在线计数会在你停止输入后，把提示词文本发送给该服务商计数。除非你在这里开启并设置了密钥，否则不会发送任何内容。</translation>
    </message>
    <message>
        <source>Set…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Count prompts online</source>
        <translation>在线计数提示词</translation>
    </message>
    <message>
        <source>Show the balance</source>
        <translation>显示余额</translation>
    </message>
    <message>
        <source>no key</source>
        <translation>无密钥</translation>
    </message>
    <message>
        <source>Replace…</source>
        <translation>替换…</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Provider</source>
        <extracomment>Every provider&apos;s name label, in the table&apos;s order (those the app sends nothing to, too: their prices are in the catalogue).</extracomment>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Uses</source>
        <translation>用途</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Prices only: tokenbudget sends it nothing</source>
        <translation>仅用于价格：tokenbudget 不会向它发送任何内容</translation>
    </message>
    <message>
        <source>No address: nothing is sent to {name}</source>
        <translation>无地址：不会向 {name} 发送任何内容</translation>
    </message>
    <message>
        <source>Base URL, for a proxy or a compatible service. Default: {url}</source>
        <translation>基础 URL，用于代理或兼容服务。默认：{url}</translation>
    </message>
    <message>
        <source>{name} base URL</source>
        <translation>{name} 基础 URL</translation>
    </message>
    <message>
        <source>{name} API key (kept in the system keyring):</source>
        <translation>{name} API 密钥（保存在系统密钥环中）：</translation>
    </message>
    <message>
        <source>The {name} key is stored.</source>
        <translation>{name} 密钥已保存。</translation>
    </message>
    <message>
        <source>Delete key</source>
        <translation>删除密钥</translation>
    </message>
    <message>
        <source>Delete the {name} key from the system keyring?</source>
        <translation>从系统密钥环中删除 {name} 密钥？</translation>
    </message>
    <message>
        <source>The {name} key is deleted.</source>
        <translation>{name} 密钥已删除。</translation>
    </message>
    <message>
        <source>Asking {name}…</source>
        <translation>正在询问 {name}…</translation>
    </message>
</context>
<context>
    <name>QuickPopup</name>
    <message>
        <source>Paste a prompt to see what it costs.</source>
        <extracomment>The popup shows at most this many models (the favourites, else the first shown ones).</extracomment>
        <translation>粘贴提示词，查看它的费用。</translation>
    </message>
    <message>
        <source>Record…</source>
        <translation>记录…</translation>
    </message>
    <message>
        <source>Open in window</source>
        <translation>在窗口中打开</translation>
    </message>
    <message>
        <source>&lt;b&gt;Quick estimate&lt;/b&gt;</source>
        <translation>&lt;b&gt;快速估算&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>RatesEditor</name>
    <message>
        <source>Exchange rates</source>
        <extracomment>Up to 9 whole digits and 10 decimals, with a point or a comma (the user&apos;s decimal point).</extracomment>
        <translation>汇率</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>货币</translation>
    </message>
    <message>
        <source>Your rate</source>
        <translation>你的汇率</translation>
    </message>
    <message>
        <source>Your rate&apos;s date</source>
        <translation>你的汇率日期</translation>
    </message>
    <message>
        <source>Reference rate</source>
        <translation>参考汇率</translation>
    </message>
    <message>
        <source>{code} per 1 USD</source>
        <translation>每 1 USD 兑 {code}</translation>
    </message>
    <message>
        <source>Your rate: {code} per 1 USD</source>
        <translation>你的汇率：每 1 USD 兑 {code}</translation>
    </message>
    <message>
        <source>reference rate</source>
        <translation>参考汇率</translation>
    </message>
    <message>
        <source>no rate</source>
        <translation>无汇率</translation>
    </message>
    <message>
        <source>Date of your {code} rate</source>
        <translation>你的 {code} 汇率日期</translation>
    </message>
    <message>
        <source>none: set your own to show costs in it</source>
        <translation>无：设定你自己的汇率即可用它显示费用</translation>
    </message>
    <message>
        <source>{rate} ({source}, {date})</source>
        <translation>{rate}（{source}，{date}）</translation>
    </message>
    <message>
        <source>Enter a number above 0.</source>
        <translation>请输入大于 0 的数字。</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>Record spend</source>
        <extracomment>``price(model_id, output_tokens)``: what recording would store (None: not known yet, or the model has no price), and why not as a short text.</extracomment>
        <translation>记录支出</translation>
    </message>
    <message>
        <source>Cost to record</source>
        <translation>将记录的费用</translation>
    </message>
    <message>
        <source>Every plan that covers this model</source>
        <translation>覆盖此模型的所有套餐</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Count toward</source>
        <translation>计入</translation>
    </message>
    <message>
        <source>Expected output tokens</source>
        <translation>预计输出 Token</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Record {amount}</source>
        <translation>记录 {amount}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Keep no prompt text</source>
        <extracomment>The ECB reference rates in use (shown read-only beside the user&apos;s own). Price models that have off-peak rates (DeepSeek) at them. Whether recorded prompt text goes to the user&apos;s other devices (Settings → Devices).</extracomment>
        <translation>不保留提示词文本</translation>
    </message>
    <message>
        <source>Keep a short preview (200 characters)</source>
        <translation>保留简短预览（200 个字符）</translation>
    </message>
    <message>
        <source>Keep the full prompt text</source>
        <translation>保留完整提示词文本</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>服务商</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Leave a rate empty to use the ECB reference rate: of the entry&apos;s own day for History, the latest for estimates. Your own rate always wins.</source>
        <translation>汇率留空即使用欧洲央行参考汇率：历史记录按条目当日的汇率，估算按最新汇率。你自己的汇率始终优先。</translation>
    </message>
    <message>
        <source>Use off-peak prices where a provider has them (DeepSeek: half price)</source>
        <translation>服务商提供闲时价格时使用闲时价格（DeepSeek：半价）</translation>
    </message>
    <message>
        <source>Off-peak is outside the provider&apos;s peak hours. Unchecked, the off-peak price is shown in the cost&apos;s tooltip.</source>
        <translation>闲时指服务商高峰时段以外。不勾选时，闲时价格显示在费用的提示中。</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>Show costs in</source>
        <translation>费用显示货币</translation>
    </message>
    <message>
        <source>Exchange rates</source>
        <translation>汇率</translation>
    </message>
    <message>
        <source>Off-peak</source>
        <translation>闲时</translation>
    </message>
    <message>
        <source>Recorded prompts</source>
        <translation>记录的提示词</translation>
    </message>
    <message>
        <source>Editor font size</source>
        <translation>编辑器字号</translation>
    </message>
    <message>
        <source>Start tokenbudget in the tray when I log in</source>
        <translation>登录时在托盘中启动 tokenbudget</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Import Claude Code, Codex and Gemini CLI usage as it is written</source>
        <translation>在写入时导入 Claude Code、Codex 和 Gemini CLI 的用量</translation>
    </message>
    <message>
        <source>Coding tools</source>
        <translation>编程工具</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Applies the next time tokenbudget starts.</source>
        <translation>下次启动 tokenbudget 时生效。</translation>
    </message>
    <message>
        <source>Correct the exchange rates marked in red.</source>
        <translation>请更正标为红色的汇率。</translation>
    </message>
    <message>
        <source>No rate for {code}: enter your own rate for it below first.</source>
        <translation>{code} 没有汇率：请先在下方输入你自己的汇率。</translation>
    </message>
    <message>
        <source>The {name} address must start with https:// (or http://).</source>
        <translation>{name} 地址必须以 https://（或 http://）开头。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>This desktop has no system tray, so tokenbudget runs as a window: closing it quits. Alerts show here.</source>
        <extracomment>How often the tray&apos;s status and alerts are checked without anything happening. Where the sources view runs its reads and imports (None: its own thread; tests). Offer to add the app to the desktop&apos;s menu on its first start (the app; not tests).</extracomment>
        <translation>此桌面没有系统托盘，因此 tokenbudget 以窗口运行：关闭窗口即退出。提醒显示在这里。</translation>
    </message>
    <message>
        <source>tokenbudget keeps running in the tray. Click the icon for a quick estimate; choose Quit from its menu to end it.</source>
        <translation>tokenbudget 会继续在托盘中运行。点击图标进行快速估算；在其菜单中选择“退出”即可结束。</translation>
    </message>
    <message>
        <source>tokenbudget: budgets</source>
        <translation>tokenbudget：预算</translation>
    </message>
    <message>
        <source>tokenbudget: history</source>
        <translation>tokenbudget：历史记录</translation>
    </message>
    <message>
        <source>tokenbudget: sources</source>
        <translation>tokenbudget：来源</translation>
    </message>
    <message>
        <source>Syncing with your other devices: {problem}</source>
        <translation>与其他设备同步：{problem}</translation>
    </message>
    <message>
        <source>Syncing with your other devices failed: {reason}</source>
        <translation>与其他设备同步失败：{reason}</translation>
    </message>
    <message>
        <source>Live usage sync failed: {reason}</source>
        <translation>实时用量同步失败：{reason}</translation>
    </message>
</context>
<context>
    <name>SourcesModel</name>
    <message>
        <source>Tool</source>
        <extracomment>The raw value of a cell (numbers for the numeric columns).</extracomment>
        <translation>工具</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Last import</source>
        <translation>上次导入</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Live sync</source>
        <translation>实时同步</translation>
    </message>
</context>
<context>
    <name>SourcesView</name>
    <message>
        <source>Sources</source>
        <extracomment>What ``run_all`` returns: (tool, its report or None when not found).</extracomment>
        <translation>来源</translation>
    </message>
    <message>
        <source>Import now</source>
        <translation>立即导入</translation>
    </message>
    <message>
        <source>Import what is new in the logs of every tool found (nothing is counted twice).</source>
        <translation>导入所有已找到工具日志中的新内容（不会重复计数）。</translation>
    </message>
    <message>
        <source>Coding tools and their usage logs</source>
        <translation>编程工具及其用量日志</translation>
    </message>
    <message numerus="yes">
        <source>%n of {total} tools found</source>
        <translation>
            <numerusform>已找到 %n / {total} 个工具</numerusform>
        </translation>
    </message>
    <message>
        <source>No coding tool&apos;s logs were found on this computer</source>
        <translation>在这台电脑上未找到任何编程工具的日志</translation>
    </message>
    <message>
        <source>live sync is off in Settings</source>
        <translation>设置中已关闭实时同步</translation>
    </message>
    <message>
        <source>The sources could not be read: {why}</source>
        <translation>无法读取来源：{why}</translation>
    </message>
    <message>
        <source>Import {tool}</source>
        <translation>导入 {tool}</translation>
    </message>
    <message>
        <source>Not imported yet.</source>
        <translation>尚未导入。</translation>
    </message>
    <message>
        <source>Its last import skipped no line.</source>
        <translation>上次导入未跳过任何行。</translation>
    </message>
    <message numerus="yes">
        <source>Lines its last import skipped: %Ln</source>
        <translation>
            <numerusform>上次导入跳过的行：%Ln</numerusform>
        </translation>
    </message>
    <message>
        <source>(the first {shown} are listed)</source>
        <translation>（列出前 {shown} 行）</translation>
    </message>
    <message>
        <source>Not saved: {why}</source>
        <translation>未保存：{why}</translation>
    </message>
    <message>
        <source>No coding tool&apos;s logs were found: nothing to import.</source>
        <translation>未找到任何编程工具的日志：没有可导入的内容。</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Importing {tool}… {index} of {count}</source>
        <translation>正在导入 {tool}… {index} / {count}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln entries</source>
        <translation>
            <numerusform>%Ln 个条目</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln tools</source>
        <translation>
            <numerusform>%Ln 个工具</numerusform>
        </translation>
    </message>
    <message>
        <source>Imported {entries} from {tools}</source>
        <translation>已从 {tools} 导入 {entries}</translation>
    </message>
    <message numerus="yes">
        <source>%Ln lines skipped</source>
        <translation>
            <numerusform>跳过 %Ln 行</numerusform>
        </translation>
    </message>
    <message>
        <source>The import failed: {why}</source>
        <translation>导入失败：{why}</translation>
    </message>
    <message>
        <source>Its logs were not found on this computer.</source>
        <translation>在这台电脑上未找到它的日志。</translation>
    </message>
</context>
<context>
    <name>SpendChart</name>
    <message>
        <source>Total: {total}</source>
        <extracomment>The share of a period&apos;s width its bar takes. Each provider&apos;s colour, close to its own brand colour where that stays readable. The least room between two period labels, in pixels.</extracomment>
        <translation>合计：{total}</translation>
    </message>
</context>
<context>
    <name>StatusLineDialog</name>
    <message>
        <source>Claude Code status line</source>
        <translation>Claude Code 状态行</translation>
    </message>
    <message>
        <source>Claude Code can show a line from tokenbudget under its prompt after each message: the model, the context used, today&apos;s spend, the official 5-hour and weekly limits and your plan. It also stores those official limits here.</source>
        <translation>Claude Code 可以在每条消息后于提示符下方显示一行来自 tokenbudget 的信息：模型、已用上下文、今日支出、官方 5 小时和每周限制以及你的套餐。它也会把这些官方限制保存在这里。</translation>
    </message>
    <message>
        <source>Claude Code will run:</source>
        <translation>Claude Code 将运行：</translation>
    </message>
    <message>
        <source>Install</source>
        <translation>安装</translation>
    </message>
    <message>
        <source>Uninstall</source>
        <translation>卸载</translation>
    </message>
    <message>
        <source>Installing sets the &quot;statusLine&quot; entry of {file} and changes nothing else; a copy of the file is kept beside it first.</source>
        <translation>安装会设置 {file} 中的 &quot;statusLine&quot; 项，不改动其他内容；事先会在旁边保留一份副本。</translation>
    </message>
    <message>
        <source>Installing creates {file} with only the &quot;statusLine&quot; entry.</source>
        <translation>安装会创建只含 &quot;statusLine&quot; 项的 {file}。</translation>
    </message>
    <message>
        <source>Your status line command is kept and still shows after ours: {command}</source>
        <translation>你的状态行命令会保留，并仍显示在我们的之后：{command}</translation>
    </message>
    <message>
        <source>You have no status line of your own now.</source>
        <translation>你现在没有自己的状态行。</translation>
    </message>
    <message>
        <source>Installed. Uninstall puts back the status line you had before.</source>
        <translation>已安装。卸载会恢复你之前的状态行。</translation>
    </message>
    <message>
        <source>Not installed.</source>
        <translation>未安装。</translation>
    </message>
</context>
<context>
    <name>TokenView</name>
    <message>
        <source>{id} — {models}</source>
        <extracomment>Tokens past this many are counted but not drawn (a QTextDocument of 20,000 coloured spans builds in about 0.1 s; millions would freeze the window).</extracomment>
        <translation>{id} — {models}</translation>
    </message>
    <message>
        <source>&amp;Tokenizer:</source>
        <translation>分词器(&amp;T)：</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在计数…</translation>
    </message>
    <message>
        <source>&lt;b&gt;Token {n}&lt;/b&gt; of {total}</source>
        <translation>&lt;b&gt;第 {n} 个 Token&lt;/b&gt;，共 {total} 个</translation>
    </message>
    <message>
        <source>ID: {id}</source>
        <translation>ID：{id}</translation>
    </message>
    <message>
        <source>Bytes: {bytes}</source>
        <translation>字节：{bytes}</translation>
    </message>
    <message>
        <source>Text: “{text}”</source>
        <translation>文本：“{text}”</translation>
    </message>
    <message>
        <source>&lt;b&gt;Tokens {first}–{last}&lt;/b&gt; of {total} make up “{text}”</source>
        <translation>&lt;b&gt;第 {first}–{last} 个 Token&lt;/b&gt;（共 {total} 个）组成“{text}”</translation>
    </message>
    <message>
        <source>ID {id}: {bytes}</source>
        <translation>ID {id}：{bytes}</translation>
    </message>
    <message>
        <source>not reported by this tokenizer (decodes to “{text}”)</source>
        <translation>此分词器未报告（解码为“{text}”）</translation>
    </message>
    <message>
        <source>Tokens: {n}</source>
        <translation>Token：{n}</translation>
    </message>
    <message>
        <source>Characters: {n}</source>
        <translation>字符：{n}</translation>
    </message>
    <message>
        <source>Cannot count with {id}: {why}</source>
        <translation>无法用 {id} 计数：{why}</translation>
    </message>
    <message>
        <source>Showing the first {shown} of {total} tokens.</source>
        <translation>显示前 {shown} 个 Token，共 {total} 个。</translation>
    </message>
    <message>
        <source>Dotted underline: one character split across several tokens (hover to see each token).</source>
        <translation>点状下划线：一个字符被拆分到多个 Token 中（悬停可查看每个 Token）。</translation>
    </message>
</context>
<context>
    <name>TokenViewDialog</name>
    <message>
        <source>Tokens</source>
        <translation>Token</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Quick estimate</source>
        <translation>快速估算</translation>
    </message>
    <message>
        <source>Open tokenbudget</source>
        <translation>打开 tokenbudget</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>预算</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Pause alerts</source>
        <translation>暂停提醒</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>tokenbudget
No plans yet: add one under Budgets.</source>
        <translation>tokenbudget
还没有套餐：请在“预算”中添加。</translation>
    </message>
    <message>
        <source>too early to project</source>
        <translation>时间太早，无法预测</translation>
    </message>
    <message numerus="yes">
        <source>and %n more plans</source>
        <translation>
            <numerusform>以及另外 %n 个套餐</numerusform>
        </translation>
    </message>
    <message>
        <source>{fee} a month, no caps set</source>
        <translation>每月 {fee}，未设上限</translation>
    </message>
    <message>
        <source>{cap} {share}</source>
        <translation>{cap} {share}</translation>
    </message>
    <message>
        <source>{spent} of {cap} this period ({share})</source>
        <translation>本周期 {spent} / {cap}（{share}）</translation>
    </message>
    <message>
        <source>(official)</source>
        <translation>（官方）</translation>
    </message>
    <message>
        <source>spent {spent} of {limit} · over by {over}</source>
        <translation>已支出 {spent} / {limit} · 超出 {over}</translation>
    </message>
    <message>
        <source>spent {spent} of {limit} · {left} left</source>
        <translation>已支出 {spent} / {limit} · 剩余 {left}</translation>
    </message>
    <message>
        <source>{spent} this period</source>
        <translation>本周期 {spent}</translation>
    </message>
    <message>
        <source>5-hour</source>
        <translation>5 小时</translation>
    </message>
    <message>
        <source>weekly</source>
        <translation>每周</translation>
    </message>
    <message>
        <source>{hours}-hour</source>
        <translation>{hours} 小时</translation>
    </message>
    <message>
        <source>monthly</source>
        <translation>每月</translation>
    </message>
    <message>
        <source>tokens</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>请求</translation>
    </message>
</context>
<context>
    <name>ViewWindow</name>
    <message>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>tokenbudget: budgets</source>
        <translation>tokenbudget：预算</translation>
    </message>
    <message>
        <source>tokenbudget: history</source>
        <translation>tokenbudget：历史记录</translation>
    </message>
    <message>
        <source>&amp;Add plan…</source>
        <translation>添加套餐(&amp;A)…</translation>
    </message>
</context>
</TS>
