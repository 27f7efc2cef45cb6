{{/* The release's full name, as every object's name prefix. */}}
{{- define "cppo-hub.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; pass (dict "root" $ "service" $name) for a service's objects. */}}
{{- define "cppo-hub.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/part-of: cppo-hub
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{- with .service }}
app.kubernetes.io/name: {{ . }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* Selector of a service's pods. */}}
{{- define "cppo-hub.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .service }}
{{- end -}}

{{- define "cppo-hub.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cppo-hub.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "cppo-hub.secretName" -}}
{{- default (printf "%s-secrets" (include "cppo-hub.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "cppo-hub.image" -}}
{{- printf "%s/%s-%s:%s" .root.Values.image.registry .root.Values.image.repository .service (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}
