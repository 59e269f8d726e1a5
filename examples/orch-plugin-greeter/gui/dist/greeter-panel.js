import { useState } from "react";
import { useApi, useEvents, useSnapshot } from "@orch/gui-sdk";
import { jsx, jsxs } from "react/jsx-runtime";
// gui/src/greeter-panel.jsx
/** Every greeting sent by `greeting` nodes, refreshed live on `greeting.sent`. */
function GreetingsPanel() {
	const { data, error, loading } = useApi("/api/greeter/greetings", { refreshOn: "greeting" });
	const snapshot = useSnapshot();
	const [latest, setLatest] = useState(null);
	useEvents("greeting.sent", (event) => setLatest(event));
	const greetings = data?.greetings ?? [];
	const sent = snapshot?.greetings?.sent ?? greetings.length;
	return /* @__PURE__ */ jsxs("section", {
		className: "flex flex-col gap-4 p-4",
		"data-testid": "greetings-panel",
		children: [
			/* @__PURE__ */ jsxs("header", {
				className: "flex items-baseline gap-3",
				children: [
					/* @__PURE__ */ jsx("h1", {
						className: "text-xl font-semibold",
						children: "Greetings"
					}),
					/* @__PURE__ */ jsxs("span", {
						className: "badge badge-neutral",
						children: [sent, " sent"]
					}),
					latest ? /* @__PURE__ */ jsxs("span", {
						className: "text-sm opacity-70",
						children: ["just now: ", latest.text]
					}) : null
				]
			}),
			error ? /* @__PURE__ */ jsx("div", {
				className: "alert alert-error",
				children: error.message
			}) : null,
			loading && greetings.length === 0 ? /* @__PURE__ */ jsx("span", { className: "loading loading-spinner" }) : null,
			!loading && greetings.length === 0 ? /* @__PURE__ */ jsxs("p", {
				className: "opacity-70",
				children: [
					"No greetings yet. Run a plan with a node such as ",
					/* @__PURE__ */ jsx("code", { children: "{ \"id\": \"hi\", \"type\": \"greeting\", \"to\": \"Ada\" }" }),
					"."
				]
			}) : null,
			greetings.length > 0 ? /* @__PURE__ */ jsxs("table", {
				className: "table table-sm",
				children: [/* @__PURE__ */ jsx("thead", { children: /* @__PURE__ */ jsxs("tr", { children: [
					/* @__PURE__ */ jsx("th", { children: "When" }),
					/* @__PURE__ */ jsx("th", { children: "To" }),
					/* @__PURE__ */ jsx("th", { children: "Greeting" }),
					/* @__PURE__ */ jsx("th", { children: "Run" })
				] }) }), /* @__PURE__ */ jsx("tbody", { children: [...greetings].reverse().map((g) => /* @__PURE__ */ jsxs("tr", { children: [
					/* @__PURE__ */ jsx("td", { children: new Date(g.at).toLocaleString() }),
					/* @__PURE__ */ jsx("td", { children: g.to }),
					/* @__PURE__ */ jsx("td", { children: g.text }),
					/* @__PURE__ */ jsx("td", { children: /* @__PURE__ */ jsx("a", {
						className: "link",
						href: `/runs/${encodeURIComponent(g.runId)}`,
						children: g.runId
					}) })
				] }, `${g.runId}:${g.nodeId}:${g.at}`)) })]
			}) : null
		]
	});
}
/** Panel id (as in the manifest's contributes.gui.panels) → component. */
var greeter_panel_default = { greetings: GreetingsPanel };
export { greeter_panel_default as default };
