# SPDX-License-Identifier: MIT
# bash completion of fsvm(1): commands, their options (as `fsvm <command>
# --help` prints them), kernel names for `fsvm run`, device names, /dev/fsvm*.
# Installed as <datadir>/bash-completion/completions/fsvm.
_fsvm()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}

	local global_opts="--device -v -vv --verbose -h --help --version"
	# global options are accepted after the command too
	local after="--device -v --verbose"
	local commands="info run bench doctor help"
	local kernels="nop pointer_chase list_search bst_lookup hash_probe vadd memcpy memset bst_lookup_batch hash_probe_batch"

	# The command: the first word after the global options.
	local i cmd="" cmd_at=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--device) ((i++)) ;;
		-*) ;;
		*) cmd=${words[i]}; cmd_at=$i; break ;;
		esac
	done

	case $prev in
	--device)
		local devs="sim hw" d
		for d in /dev/fsvm[0-9]*; do
			[ -e "$d" ] && devs+=" hw:$d"
		done
		COMPREPLY=($(compgen -W "$devs" -- "$cur"))
		return ;;
	--plot)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--n | --seed | --max-hops | --offset | --k | --nodes | --iters | --reps | \
	--vadd-mib | --rss-mib | --plot-nodes | --plot-mib)
		return ;;	# a number
	esac

	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi ;;
	info)
		COMPREPLY=($(compgen -W "--help $after" -- "$cur")) ;;
	run)
		if ((cword == cmd_at + 1)) && [[ $cur != -* ]]; then
			COMPREPLY=($(compgen -W "$kernels" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--n --seed --max-hops --offset --k --help $after" -- "$cur"))
		fi ;;
	bench)
		COMPREPLY=($(compgen -W "--json --nodes --iters --reps --vadd-mib --rss-mib --plot --plot-nodes --plot-mib --help $after" -- "$cur")) ;;
	doctor)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--no-probe --help $after" -- "$cur"))
		else
			COMPREPLY=($(compgen -G "/dev/fsvm[0-9]*" -- "$cur"))
		fi ;;
	esac
}
complete -F _fsvm fsvm
