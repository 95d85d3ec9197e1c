import { config } from "./config.js";

async function initPyodide() {
  if (config.onWasm === false) {
    return;
  }

  const globalStatusAlert = document.querySelector("#global-status-alert");
  const globalErrorAlert = document.querySelector("#global-error-alert");

  try {
    // Show loading status. Build the spinner with DOM nodes rather than
    // innerHTML so this stays clear of HTML-injection sinks (the markup is
    // static, but avoiding innerHTML keeps it that way).
    if (globalStatusAlert && !config.isOfficialLiteAddin) {
      globalStatusAlert.classList.remove("d-none");
      const span = globalStatusAlert.querySelector("span");
      span.replaceChildren();

      // Use a <span> (not <div>): this spinner lives inside the alert's <span>
      // placeholder, and a block-level <div> inside a <span> is invalid HTML
      // that browsers may reparent. Bootstrap's spinner works on a <span> too.
      const spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm text-alert me-1";
      spinner.setAttribute("role", "status");
      const spinnerLabel = document.createElement("span");
      spinnerLabel.className = "visually-hidden";
      spinnerLabel.textContent = "Loading...";
      spinner.appendChild(spinnerLabel);

      span.appendChild(spinner);
      span.appendChild(document.createTextNode(" Loading..."));
    }

    // Hide any previous error
    if (globalErrorAlert) {
      globalErrorAlert.classList.add("d-none");
    }

    let pyodide = await loadPyodide();

    const pyodideConfigResponse = await fetch(
      config.appPath + "/xlwings/pyodide.json",
    );
    if (!pyodideConfigResponse.ok) {
      throw new Error(
        `Failed to fetch pyodide config: ${pyodideConfigResponse.statusText}`,
      );
    }
    const pyodideConfigData = await pyodideConfigResponse.json();

    // Install dependencies
    if (!config.isOfficialLiteAddin) {
      await pyodide.loadPackage("micropip");
      const micropip = pyodide.pyimport("micropip");
      let packages = pyodideConfigData["packages"];
      await micropip.install(packages, { keep_going: true });
    }

    // Python files
    const files = pyodideConfigData["files"];
    function createDirectories(files) {
      const createdDirs = new Set();
      Object.values(files).forEach((localPath) => {
        const parts = localPath.split("/");
        if (parts.length > 1) {
          const dirPath = parts.slice(0, parts.length - 1).join("/");
          if (!createdDirs.has(dirPath)) {
            // TODO: does this work for nested dirs? Also, ./ is probably wrong
            if (dirPath !== ".") {
              pyodide.FS.mkdir(dirPath);
              pyodide.FS.mount(pyodide.FS.filesystems.MEMFS, {}, dirPath);
            }
            createdDirs.add(dirPath);
          }
        }
      });
    }

    createDirectories(files);

    for (const [endpoint, localPath] of Object.entries(files)) {
      const response = await fetch(config.appPath + endpoint);
      if (!response.ok) {
        throw new Error(`Failed to fetch ${endpoint}: ${response.statusText}`);
      }
      const content = await response.text();
      pyodide.FS.writeFile(localPath, content);
    }

    if (!config.isOfficialLiteAddin) {
      // Entrypoint
      let runtimeText = pyodide.FS.readFile("./wasm_runtime.py", {
        encoding: "utf8",
      });
      await pyodide.runPythonAsync(runtimeText);

      // Functions
      // You can't simply export them as the will be null when used in
      // custom-functions-code.js (it's only assigned the function here).
      globalThis.wasmCustomFunctionsCall = pyodide.globals.get(
        "custom_functions_call",
      );
      globalThis.wasmCustomFunctionsMeta = pyodide.globals.get(
        "custom_functions_meta",
      );
      globalThis.wasmCustomFunctionsCode = pyodide.globals.get(
        "custom_functions_code",
      );
      globalThis.wasmCustomScriptsCall = pyodide.globals.get(
        "custom_scripts_call",
      );
      globalThis.wasmCustomScriptsMeta = pyodide.globals.get(
        "custom_scripts_meta",
      );

      // Hide loading status on success
      if (globalStatusAlert) {
        globalStatusAlert.classList.add("d-none");
      }
    }

    return pyodide;
  } catch (err) {
    console.error("Pyodide initialization failed:", err);

    // Hide loading status
    if (globalStatusAlert) {
      globalStatusAlert.classList.add("d-none");
    }

    // Show error alert. Use textContent on the alert's <span> (not innerHTML on
    // the container) so the error message is escaped rather than parsed as HTML,
    // and the dismiss button / structure are preserved. Matches how htmx.js and
    // custom-scripts/index.js set this alert.
    if (globalErrorAlert) {
      globalErrorAlert.classList.remove("d-none");
      globalErrorAlert.querySelector("span").textContent =
        `Error initializing Pyodide: ${err.message}`;
    }

    throw err;
  }
}

// Call as follows:
// let pyodide = await pyodideReadyPromise;
let resolvePyodideStart;
let rejectPyodideStart;
export let pyodideReadyPromise = config.isOfficialLiteAddin
  ? new Promise((resolve, reject) => {
      resolvePyodideStart = resolve;
      rejectPyodideStart = reject;
    })
  : initPyodide();

// Only used when isOfficialLiteAddin: load Pyodide dynamically with the given version,
// then run initPyodide() and resolve pyodideReadyPromise.
// version: bare version string without "v" prefix, e.g. "0.27.5"
// integrity: optional SRI hash string for CDN loads, e.g. "sha384-..."
export async function startPyodide(version, integrity) {
  try {
    // Validate `version` before it flows into the preload href / dynamic
    // import(): it's a caller-supplied parameter, so restrict it to a bare
    // Pyodide version (digits, dots, optional pre-release suffix like 0.27.0a1)
    // to prevent it from injecting path traversal or a different host into the
    // URL.
    if (!/^\d+\.\d+(\.\d+)?[a-z0-9.]*$/.test(version)) {
      throw new Error(`Invalid Pyodide version: ${version}`);
    }
    const url = `${config.pyodideBaseUrl.replace(/\/$/, "")}/v${version}/full/pyodide.mjs`;

    // Enforce SRI via modulepreload link, which primes the browser
    // cache with the verified resource before the dynamic import fetches it.
    if (integrity) {
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = url;
      link.integrity = integrity;
      // Only opt into CORS mode for genuinely cross-origin loads (e.g. a CDN,
      // which sends the required CORS/CORP headers). For a same-origin base URL
      // (self-hosted), forcing crossorigin makes the preload a CORS-mode fetch
      // while the bare import() below is same-origin mode — WebKit won't reuse a
      // mode-mismatched preload, and under COEP: require-corp the CORS-mode
      // fetch also demands CORP headers, so the import fails with "Importing a
      // module script failed". SRI is still enforced on a same-origin
      // modulepreload without the crossorigin attribute.
      if (new URL(url, document.baseURI).origin !== self.location.origin) {
        link.crossOrigin = "anonymous";
      }
      document.head.appendChild(link);
      // Give the browser a tick to register the preload before importing
      await new Promise((resolve) => setTimeout(resolve, 0));
    }

    let loadPyodide;
    try {
      ({ loadPyodide } = await import(url));
    } catch (err) {
      throw new Error(
        `Failed to load Pyodide v${version} from ${config.pyodideBaseUrl} [${err.message}]`,
      );
    }
    globalThis.loadPyodide = loadPyodide;
    const result = await initPyodide();
    resolvePyodideStart(result);
    return result;
  } catch (err) {
    rejectPyodideStart(err);
    throw err;
  }
}
